/**
 * One IntersectionObserver for the whole page: work that only matters on screen
 * (highlighting a cell's source) runs when the element comes near the viewport.
 */
const callbacks = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

export function whenVisible(el: Element, fn: () => void): () => void {
  if (typeof IntersectionObserver === "undefined") {
    fn();
    return () => undefined;
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        observer!.unobserve(e.target);
        const cb = callbacks.get(e.target);
        callbacks.delete(e.target);
        cb?.();
      }
    },
    { rootMargin: "600px 0px" },
  );
  callbacks.set(el, fn);
  observer.observe(el);
  return () => {
    callbacks.delete(el);
    observer?.unobserve(el);
  };
}
