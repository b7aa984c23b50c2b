// The login form, sent as JSON so that a wrong token is told on the page; without this script
// the form posts itself and works the same.
const form = document.getElementById("login");
const input = document.getElementById("token");
const message = document.getElementById("message");
const button = form.querySelector("button");

function tell(text) {
  message.textContent = text;
  input.setAttribute("aria-invalid", text ? "true" : "false");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  tell("");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: input.value.trim() }),
      credentials: "same-origin",
    });
    if (response.ok && response.redirected) {
      location.assign(response.url);
      return;
    }
    if (response.status === 429) {
      const wait = Number(response.headers.get("Retry-After")) || 60;
      tell(`Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`);
    } else if (response.status === 401) {
      tell("That token is not valid.");
    } else {
      const body = await response.json().catch(() => ({}));
      tell(body.error || `The collector answered ${response.status}.`);
    }
  } catch {
    tell("The collector cannot be reached.");
  } finally {
    button.disabled = false;
  }
  input.focus();
  input.select();
});
