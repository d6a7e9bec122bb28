// "Was this page helpful?" sent in place (ES module, imported by site.js).
//
// Without JavaScript the form posts to /feedback and comes back to the page with a thank-you
// banner. With it, the answer is sent with fetch and the thanks replace the buttons; if that
// fails for any reason, the form is sent the ordinary way.

export function initPageFeedback (root = document) {
  for (const strip of root.querySelectorAll('[data-module="lo-page-feedback"]')) {
    const form = strip.querySelector('form.lo-feedback__prompt')
    const status = strip.querySelector('[data-feedback-status]')
    if (!form || !status) continue
    form.addEventListener('submit', async (event) => {
      const button = event.submitter
      if (form.dataset.plain === 'true' || !button) return
      event.preventDefault()
      const data = new FormData(form)
      data.set(button.name, button.value)
      try {
        const response = await fetch(form.action, {
          method: 'POST',
          body: data,
          credentials: 'same-origin',
          headers: { Accept: 'application/json' }
        })
        if (!response.ok) throw new Error(`feedback answered ${response.status}`)
        const answer = await response.json()
        form.remove()
        status.textContent = answer.message
        status.classList.remove('govuk-visually-hidden')
        // The button that had focus is gone: keep keyboard users where they were.
        status.setAttribute('tabindex', '-1')
        status.focus()
      } catch (error) {
        form.dataset.plain = 'true'
        form.requestSubmit(button)
      }
    })
  }
}
