// Counting clicks on a service's phone number and email address (ES module, imported by site.js).
//
// The links are ordinary tel: and mailto: links: they work, and can be read and copied, without
// JavaScript. With it, a click on one also sends a beacon to the service's counting address
// (data-count-url) with the page's CSRF token and nothing else. The link is never delayed or
// stopped; if the browser has no sendBeacon the click simply is not counted.
// The website link needs no script: it goes through a counting redirect on the server.

export function initContactClicks (root = document) {
  if (typeof navigator.sendBeacon !== 'function') return
  for (const list of root.querySelectorAll('[data-module="lo-contact-clicks"]')) {
    const token = list.dataset.csrfToken
    if (!token) continue
    list.addEventListener('click', (event) => {
      const link = event.target.closest('a[data-count-url]')
      if (!link || !list.contains(link)) return
      const data = new FormData()
      data.set('csrf_token', token)
      try {
        navigator.sendBeacon(link.dataset.countUrl, data)
      } catch (error) {
        // Counting must never get in the way of the link.
      }
    })
  }
}
