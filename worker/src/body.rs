//! Request bodies read with a limit: `Content-Length` over it is refused before a byte is read,
//! and a streamed body is counted chunk by chunk and abandoned at the limit, so an isolate
//! holds at most the limit and one chunk whatever is sent. Bytes are counted before they are
//! decoded: a body over the limit is 413 whether or not it is UTF-8.

use futures_util::{Stream, StreamExt};
use worker::Request;

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    TooLarge { limit: usize },
    NotUtf8,
    Unreadable(String),
}

/// The body as text, at most `limit` bytes.
pub async fn text(req: &mut Request, limit: usize) -> Result<String, BodyError> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let stream = match req.stream() {
        Ok(s) => s,
        // No body at all.
        Err(_) => return Ok(String::new()),
    };
    let bytes = collect(stream.map(|c| c.map_err(|e| e.to_string())), limit).await?;
    String::from_utf8(bytes).map_err(|_| BodyError::NotUtf8)
}

/// Chunks gathered until the stream ends or passes `limit` (dropping the stream cancels it).
pub async fn collect<S>(stream: S, limit: usize) -> Result<Vec<u8>, BodyError>
where
    S: Stream<Item = Result<Vec<u8>, String>>,
{
    let mut stream = std::pin::pin!(stream);
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(BodyError::Unreadable)?;
        if out.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn run<F: std::future::Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("ready")
    }

    #[test]
    fn stops_reading_at_the_limit() {
        let pulled = std::cell::Cell::new(0);
        let chunks = stream::iter(0..1000).map(|_| {
            pulled.set(pulled.get() + 1);
            Ok(vec![0xff; 100])
        });
        assert_eq!(run(collect(chunks, 1050)), Err(BodyError::TooLarge { limit: 1050 }));
        assert_eq!(pulled.get(), 11, "nothing read past the chunk that crossed the limit");
        let small = stream::iter([Ok(b"ab".to_vec()), Ok(b"c".to_vec())]);
        assert_eq!(run(collect(small, 3)), Ok(b"abc".to_vec()));
        let broken = stream::iter([Ok(b"ab".to_vec()), Err("reset".to_string())]);
        assert_eq!(run(collect(broken, 3)), Err(BodyError::Unreadable("reset".into())));
    }
}
