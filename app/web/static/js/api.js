// REST calls with the cookies that login sets, and the CSRF double submit.

function cookie(name) {
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
    this.fields = body?.fields;
  }
}

async function send(method, path, body, csrfCookie = "csrf_access_token") {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const csrf = cookie(csrfCookie);
  if (method !== "GET" && csrf) headers["X-CSRF-TOKEN"] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// A new access cookie from the refresh cookie; false when that is gone too.
export async function refresh() {
  try {
    await send("POST", "/api/auth/refresh", undefined, "csrf_refresh_token");
    return true;
  } catch {
    return false;
  }
}

// Calls the API; an expired access token is refreshed once, transparently.
export async function api(method, path, body) {
  try {
    return await send(method, path, body);
  } catch (error) {
    if (error.status === 401 && !path.startsWith("/api/auth/") && (await refresh())) {
      return send(method, path, body);
    }
    throw error;
  }
}

export function describe(error) {
  if (error instanceof ApiError && error.fields) {
    const details = Object.entries(error.fields)
      .map(([field, problems]) => `${field}: ${[].concat(problems).join(", ")}`)
      .join("; ");
    return `${error.message} ${details}`;
  }
  return error.message || String(error);
}
