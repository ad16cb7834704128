// The gradient-check page's verdict line. Green only when every row so far passes; as soon as one
// fails it turns red and leads with the count of failures (a summary that stays green over failed
// rows was issue 19's defect 4).
export interface Verdict {
  text: string;
  failing: boolean;
}

export function verdict(total: number, failures: number, detail: string): Verdict {
  if (failures > 0) return { text: `✗ ${failures} of ${total} checks FAIL — ${total - failures} pass ${detail}`, failing: true };
  return { text: `${total} of ${total} checks pass ${detail}`, failing: false };
}
