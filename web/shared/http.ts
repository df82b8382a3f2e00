/** Fetch helpers that turn the service's JSON errors into thrown Errors. */

/** An HTTP failure with the service's error code, when the body had one. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

/** Throws an HttpError for a response that is not 2xx, and returns it otherwise. */
export async function ensureOk(response: Response): Promise<Response> {
  if (response.ok) return response;

  let code = "http_error";
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string };
    };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not a JSON error body; the status line is all there is.
  }
  throw new HttpError(response.status, code, message);
}

/** Fetches and parses a JSON body, throwing HttpError on failure. */
export async function fetchJson<T>(
  input: string | URL,
  init?: RequestInit,
): Promise<T> {
  const response = await ensureOk(await fetch(input, init));
  return (await response.json()) as T;
}

/** Saves a response body as a file through a temporary object URL. */
export async function saveResponse(
  response: Response,
  fileName: string,
): Promise<void> {
  const blob = await (await ensureOk(response)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser may read the URL after click() returns, so it is revoked
  // only after a generous delay.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
