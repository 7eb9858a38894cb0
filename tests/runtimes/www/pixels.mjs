// Reading screenshots without an image library: the PNG is decoded by the browser itself, into a
// canvas of the page that took it.

/**
 * A screenshot's colours at `points` ([x, y] in its pixels) as [r, g, b], and how far from blank
 * it is: distinct colours (quantized to 4 bits a channel) and the share of pixels that differ
 * from the most common one (the background).
 */
export function inspect(page, png, points = []) {
  return page.evaluate(
    async ({ b64, points }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const g = new OffscreenCanvas(img.width, img.height).getContext('2d');
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, img.width, img.height).data;
      const counts = new Map();
      for (let i = 0; i < data.length; i += 4) {
        const q = ((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4);
        counts.set(q, (counts.get(q) ?? 0) + 1);
      }
      const n = data.length / 4;
      const at = ([x, y]) => {
        const i = (Math.round(y) * img.width + Math.round(x)) * 4;
        return [data[i], data[i + 1], data[i + 2]];
      };
      return { colours: counts.size, inked: (n - Math.max(...counts.values())) / n, pixels: points.map(at) };
    },
    { b64: png.toString('base64'), points },
  );
}
