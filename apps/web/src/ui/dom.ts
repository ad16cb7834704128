// Three DOM helpers, enough for a page without a framework.
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`byId: the page has no element #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

/** A canvas holding `rgba` (w×h), shown `scale` times larger with crisp pixels. */
export function pixelCanvas(rgba: Uint8ClampedArray<ArrayBuffer>, w: number, h: number, scale: number, className = ''): HTMLCanvasElement {
  const canvas = el('canvas', { width: String(w), height: String(h), class: `pixels ${className}`.trim() });
  canvas.style.width = `${w * scale}px`;
  canvas.style.height = `${h * scale}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, w, h), 0, 0);
  return canvas;
}
