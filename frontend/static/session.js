// Who is at the page: asks the server (GET /auth/me); when the server keeps accounts and nobody
// is logged in, shows the login form and waits for a successful POST /auth/login (the session
// cookie is HttpOnly: the page never sees it). Then shows the account in the bar with a logout
// button, or a loud warning when the server runs without accounts. Text is set with
// textContent only.

const ROLES = { admin: "管理员", commander: "指挥长", planner: "规划", township: "乡镇", viewer: "大屏", external: "外部系统" };

async function me() {
  const res = await fetch("/auth/me", { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`/auth/me: HTTP ${res.status}`);
  const who = await res.json();
  return who.name || who.open ? who : null;
}

/** Shows the login form until a login succeeds; resolves with the account (as /auth/me). */
function loginForm() {
  const form = document.getElementById("login");
  const error = document.getElementById("login-error");
  form.hidden = false;
  document.getElementById("login-name").focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      error.textContent = "";
      const body = JSON.stringify({ name: form.elements.name.value, password: form.elements.password.value });
      const res = await fetch("/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) {
        error.textContent = res.status === 429 ? `登录失败次数过多：${answer.description || ""}` : "用户名或密码错误";
        return;
      }
      form.elements.password.value = "";
      form.hidden = true;
      resolve(answer);
    });
  });
}

/** The account at the page, after a login when one is needed. */
export async function signIn() {
  const who = await me();
  return who || loginForm();
}

/** Shows `who` in the bar: the account and a logout button, or the open-mode warning. */
export function showCaller(who) {
  const box = document.getElementById("who");
  box.hidden = false;
  if (who.open) {
    box.textContent = "开放模式：未设账号，本机任何人可读写";
    box.classList.add("open");
    return;
  }
  const label = document.createElement("span");
  const township = who.township ? ` · ${who.township}` : "";
  label.textContent = `${who.name}（${ROLES[who.role] || who.role}${township}）`;
  const out = document.createElement("button");
  out.type = "button";
  out.id = "logout";
  out.textContent = "退出";
  out.addEventListener("click", async () => {
    await fetch("/auth/logout", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    window.location.reload();
  });
  box.replaceChildren(label, out);
}

/** Whether `who` writes `layer`. */
export function writes(who, layer) {
  return who.writes.includes(layer);
}
