// Who is logged in, from the admin API with the session cookie; an ended session goes back to
// the login page.
const name = document.getElementById("name");

async function whoAmI() {
  const response = await fetch("/v1/me", { credentials: "same-origin" });
  if (response.status === 401) {
    location.assign("/dashboard/login");
    return;
  }
  if (!response.ok) {
    name.textContent = `(the collector answered ${response.status})`;
    return;
  }
  const me = await response.json();
  name.textContent = me.name;
}

whoAmI().catch(() => {
  name.textContent = "(the collector cannot be reached)";
});
