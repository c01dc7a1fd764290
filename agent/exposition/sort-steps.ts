/**
 * A merge sort that can pause: sorts runs of RUN items with Array.sort,
 * then merges them pairwise, asking due() between items and yielding when
 * it says so. Sorting the ~100 000 series of /metrics this way never holds
 * the event loop for more than a slice. Stable, like Array.prototype.sort.
 */
const RUN = 2048;

export function* sortSteps<T>(items: T[], cmp: (a: T, b: T) => number, due: () => boolean): Generator<undefined, T[], void> {
  let src = items.slice();
  for (let i = 0; i < src.length; i += RUN) {
    const run = src.slice(i, i + RUN).sort(cmp);
    for (let j = 0; j < run.length; j++) src[i + j] = run[j];
    if (due()) yield undefined;
  }
  let dst = new Array<T>(src.length);
  for (let width = RUN; width < src.length; width *= 2) {
    for (let lo = 0; lo < src.length; lo += 2 * width) {
      const mid = Math.min(lo + width, src.length);
      const hi = Math.min(lo + 2 * width, src.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (due()) yield undefined;
        dst[k++] = cmp(src[j], src[i]) < 0 ? src[j++] : src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  return src;
}
