//! Measurement only, not part of the npm package: how should a context cross into Wasm? The
//! same engine takes it as JSON text or as a JS object read through serde-wasm-bindgen, so
//! `benches/context-transport.mjs` can time both ways on the peer-bench contexts (text won;
//! docs/performance.md).

use edgeflag::{Context, Engine, ErrorCode, Json};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// An engine and the context of the next evaluations.
#[wasm_bindgen]
pub struct Transport {
    engine: Engine,
    context: Context<'static>,
}

#[wasm_bindgen]
impl Transport {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Transport {
        Transport { engine: Engine::new(), context: Context::with_key("") }
    }

    /// Loads snapshot text; false when it is refused.
    pub fn update(&mut self, text: &str) -> bool {
        self.engine.update_str(text).is_ok()
    }

    /// The context as JSON text.
    pub fn set_context(&mut self, text: &str) {
        self.context = Context::parse(text).into_owned();
    }

    /// The context as a JS object, through serde-wasm-bindgen.
    pub fn set_context_value(&mut self, value: JsValue) {
        self.context = match Json::deserialize(serde_wasm_bindgen::Deserializer::from(value)) {
            Ok(json) => Context::new(json.to_owned_json()),
            Err(e) => Context::invalid(ErrorCode::InvalidContext, e.to_string()),
        };
    }

    /// Every flag for the context: its variation index, or -1 when none is served.
    pub fn evaluate_all(&self, now: f64) -> Vec<i32> {
        let all = self.engine.evaluate_all(&self.context, now as i64);
        all.iter().map(|(_, e)| e.variation.map_or(-1, |(i, _)| i as i32)).collect()
    }
}
