/** Attributes of `el`: `class`, `text`, data-* and any other attribute, set as strings. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Creates an element: `el('td', { class: 'num', text: '3' })`. Text goes in as textContent,
 * never as HTML, so values from the server cannot inject markup.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** The element with this id; throws when the page lacks it (a broken index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

const FLASH_MS = 500;
const FLASH_COLORS = {
  change: 'rgba(88, 166, 255, 0.2)',
  new: 'rgba(63, 185, 120, 0.28)',
  alert: 'rgba(255, 123, 114, 0.45)',
};

/** The flash running on each element, so a new one can replace it. */
const running = new WeakMap<Element, Animation>();

/**
 * Flashes a changed cell or a new row with the Web Animations API: no class toggling and no
 * forced layout. A new flash on the same element cancels the running one. (`getAnimations()`
 * would find it too, but it costs a style pass over the document per call: hundreds of cells
 * changing ten times a second made it the page's main cost.)
 */
export function flash(node: Element, kind: keyof typeof FLASH_COLORS = 'change'): void {
  running.get(node)?.cancel();
  running.set(
    node,
    node.animate([{ backgroundColor: FLASH_COLORS[kind] }, { backgroundColor: 'transparent' }], {
      duration: FLASH_MS,
      easing: 'ease-out',
    }),
  );
}
