"use strict";
// The API with the browser's token, and its event stream. The stream is read with fetch, not EventSource, so that
// the token travels in the Authorization header (EventSource sends none, and a token in the URL would be logged).
const Api = (() => {
  const TOKEN_KEY = "sigmaquant.token";
  const headers = () => {
    const token = localStorage.getItem(TOKEN_KEY);
    return token ? { "Authorization": "Bearer " + token } : {};
  };
  const showAuthError = text => { document.getElementById("auth-error").textContent = text; };

  /** The response; a 401/403 is shown beside the token field. Other refusals are the caller's to show. */
  async function request(path, init = {}) {
    const r = await fetch(path, { ...init, headers: headers() });
    if (r.status === 401 || r.status === 403) {
      let why = "";
      try { why = (await r.clone().json()).error; } catch (e) { /* not JSON */ }
      showAuthError(r.status + (r.status === 401 ? " — a valid API token is needed: " : " — not allowed: ") + why);
    } else {
      showAuthError("");
    }
    return r;
  }

  async function json(path) {
    const r = await request(path);
    if (!r.ok) throw new Error(path + ": " + r.status);
    return r.json();
  }

  /** Frames of "event: T\ndata: JSON\n\n" to handler(type, data); ("open") on each (re)connect, to reread the state. */
  async function follow(handler, live) {
    for (;;) {
      try {
        const r = await request("/api/events");
        if (r.ok) {
          live(true);
          handler("open", null);
          const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              dispatch(buffer.slice(0, end), handler);
              buffer = buffer.slice(end + 2);
            }
          }
        }
      } catch (e) {
        console.warn("event stream:", e);
      }
      live(false);
      await new Promise(resolve => setTimeout(resolve, 3000));
    }
  }

  function dispatch(frame, handler) {
    let type = null, data = "";
    for (const line of frame.split("\n")) {
      if (line.startsWith("event: ")) type = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (type && data) handler(type, JSON.parse(data));
  }

  function setToken(token) {
    if (token) localStorage.setItem(TOKEN_KEY, token); else localStorage.removeItem(TOKEN_KEY);
  }

  return { request, json, follow, setToken, token: () => localStorage.getItem(TOKEN_KEY) || "" };
})();
