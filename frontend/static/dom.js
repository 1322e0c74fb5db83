// Small DOM helpers shared by the page's modules: text is always set as text, never as HTML.

/** An element with text content (never parsed as HTML) and an optional class. */
export function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}
