// What every page may need from script, kept out of the pages: the Content-Security-Policy
// allows no inline script.

// A part of the page that has to be seen (a form returned with its errors) is scrolled to.
document.addEventListener("DOMContentLoaded", () => {
  const here = document.querySelector("[data-scroll-here]");
  if (here) here.scrollIntoView();
});
