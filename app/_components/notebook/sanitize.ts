import DOMPurify, { type DOMPurify as Purifier } from "dompurify";

/**
 * Kernel outputs and markdown are untrusted HTML: scripts, event handlers and javascript:
 * URLs are removed. Style elements could restyle the whole page and form controls would
 * be unlabelled inputs that do nothing without scripts, so they go too.
 */
const HTML_CONFIG = {
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"],
};

let purifier: Purifier | null = null;

/** A private instance (its hook must not touch other pages' sanitising); null without a DOM. */
function instance(): Purifier | null {
  if (typeof window === "undefined") return null;
  if (!purifier) {
    const p = DOMPurify(window);
    // Links open beside the notebook rather than replacing it.
    p.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.hasAttribute("href") && !node.getAttribute("href")!.startsWith("#")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
    purifier = p;
  }
  return purifier.isSupported ? purifier : null;
}

// Without a DOM (server rendering) nothing can be sanitised: render nothing rather than raw HTML.
export function sanitizeHtml(html: string): string {
  return instance()?.sanitize(html, HTML_CONFIG) ?? "";
}

export function sanitizeSvg(svg: string): string {
  return instance()?.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true } }) ?? "";
}
