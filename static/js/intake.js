// Show only the required-documents checklist of the chosen source type.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_source_type");
  const items = document.querySelectorAll("#required-evidence li[data-source]");
  if (!select || !items.length) return;
  const show = () => items.forEach((li) => { li.hidden = li.dataset.source !== select.value; });
  select.addEventListener("change", show);
  show();
});
