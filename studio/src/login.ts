// Logging in to the Studio: the page asks /api/session whether its cookie is still a live login;
// if not it tries the server's default role without a password (trusted on loopback, as psql is);
// if that is refused too it shows the login form (role + password) until /api/login accepts one.
// The reply's CSRF token goes to api.ts for every POST. Logout ends the session on the server.

import { apiHeaders, setCsrfToken, whenUnauthorized } from "./api.js";

interface LoginReply {
  user?: string;
  csrfToken?: string;
  error?: { code: string; message: string };
}

async function post(path: string, body: unknown): Promise<{ status: number; reply: LoginReply }> {
  const res = await fetch(path, { method: "POST", headers: apiHeaders({ "content-type": "application/json" }), credentials: "same-origin", body: JSON.stringify(body) });
  return { status: res.status, reply: (await res.json().catch(() => ({}))) as LoginReply };
}

export class Login {
  /** the login in progress (several panels may hear a 401 at once) */
  private pending: Promise<string> | undefined;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly status: HTMLElement,
    private readonly userBadge: HTMLElement,
    private readonly logoutButton: HTMLElement,
  ) {
    logoutButton.addEventListener("click", () => void this.logout());
    whenUnauthorized(() => void this.ensure());
  }

  /** Resolves once logged in (at once if the cookie or trust does it, else after the form is filled). */
  ensure(): Promise<string> {
    this.pending ??= this.logIn().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async logIn(): Promise<string> {
    const session = await fetch("/api/session", { headers: apiHeaders(), credentials: "same-origin" });
    if (session.ok) return this.loggedIn((await session.json()) as LoginReply);
    const trusted = await post("/api/login", {});
    if (trusted.status === 200) return this.loggedIn(trusted.reply);
    return this.askForPassword();
  }

  private loggedIn(reply: LoginReply): string {
    setCsrfToken(reply.csrfToken ?? "");
    this.form.hidden = true;
    document.body.classList.remove("logged-out");
    this.userBadge.textContent = reply.user ?? "";
    this.logoutButton.hidden = false;
    return reply.user ?? "";
  }

  private askForPassword(): Promise<string> {
    setCsrfToken("");
    document.body.classList.add("logged-out");
    this.form.hidden = false;
    this.userBadge.textContent = "";
    this.logoutButton.hidden = true;
    const user = this.form.elements.namedItem("user") as HTMLInputElement;
    user.focus();
    return new Promise((resolve) => {
      this.form.onsubmit = async (ev) => {
        ev.preventDefault();
        const password = this.form.elements.namedItem("password") as HTMLInputElement;
        const r = await post("/api/login", { user: user.value, password: password.value });
        password.value = "";
        if (r.status !== 200) {
          this.status.textContent = r.reply.error?.message ?? `login failed (HTTP ${r.status})`;
          this.status.dataset.sqlstate = r.reply.error?.code ?? "";
          return;
        }
        this.status.textContent = "";
        this.form.onsubmit = null;
        resolve(this.loggedIn(r.reply));
      };
    });
  }

  private async logout(): Promise<void> {
    await post("/api/logout", {});
    location.reload();
  }
}
