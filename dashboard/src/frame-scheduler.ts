/**
 * Runs `draw` at most once per animation frame however often `schedule` is called: many deltas
 * between two frames cost one render. Frames pause in hidden tabs, so a background dashboard
 * does no DOM work at all and catches up with one render when shown.
 */
export function frameScheduler(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}
