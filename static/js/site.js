// Local Offer – site JavaScript (ES module).
//
// Loaded with <script type="module" src="/static/js/site.js"></script> at the
// end of <body>. There is no inline script (CSP), so the classes GOV.UK
// Frontend normally gets from the template's inline snippet are added here.
// Everything on the site works without JavaScript; this only enhances.

import { initAll } from './govuk-frontend.min.js'
import { initPageFeedback } from './feedback.js'
import { initContactClicks } from './contact-clicks.js'

// Browsers that run ES modules are the ones GOV.UK Frontend 5 supports.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// A success banner takes focus, which scrolls to the top of the page. When the address names
// a place on the page to come back to (the result just saved, #service-12), the page belongs
// there: the banner does not take focus (it is still announced, role="alert"). Chromium moves
// focus and scroll to the fragment after this script anyway; this is for browsers that do not.
function fragmentTarget () {
  try {
    const id = decodeURIComponent(window.location.hash.slice(1))
    return id ? document.getElementById(id) : null
  } catch {
    return null // a malformed escape such as #%E0
  }
}

if (fragmentTarget()) {
  for (const banner of document.querySelectorAll('[data-module="govuk-notification-banner"]')) {
    banner.setAttribute('data-disable-auto-focus', 'true')
  }
}

try {
  initAll()
} catch (error) {
  console.error(error)
}

// The results page's filters (<details class="lo-filter">) are closed on first load, so on a
// phone the results come first. On a screen wide enough for the side column (GOV.UK's tablet
// breakpoint, where the grid columns sit side by side) they start open.
if (window.matchMedia('(min-width: 40.0625em)').matches) {
  for (const details of document.querySelectorAll('details.lo-filter')) {
    details.open = true
  }
}

// Print button: <button type="button" class="lo-print-button" hidden>Print this page</button>
for (const button of document.querySelectorAll('button.lo-print-button')) {
  button.hidden = false
  button.addEventListener('click', (event) => {
    event.preventDefault()
    window.print()
  })
}

initPageFeedback()
initContactClicks()
