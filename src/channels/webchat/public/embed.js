// Include on any site to open the charging cable assistant in a corner:
//   <script src="https://YOUR-BOT-HOST/embed.js" async></script>
// Optional attributes on that script tag: data-label="Cable stuck?" data-position="left".
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script) return;
  var chatUrl = new URL('./', script.src).href;
  var chatOrigin = new URL(chatUrl).origin;
  var label = script.getAttribute('data-label') || 'Cable stuck? Chat with us';
  var closeLabel = script.getAttribute('data-close-label') || 'Close the chat';
  var side = script.getAttribute('data-position') === 'left' ? 'left' : 'right';
  var brand = '#0b6e4f';

  function place(element, style) {
    for (var key in style) element.style[key] = style[key];
    element.style[side] = '20px';
  }

  var frameId = 'evc-cable-chat-frame';
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', frameId);
  place(button, {
    position: 'fixed',
    bottom: '20px',
    zIndex: '2147483000',
    padding: '12px 18px',
    border: '0',
    borderRadius: '24px',
    background: brand,
    color: '#fff',
    font: '600 15px system-ui, sans-serif',
    boxShadow: '0 4px 14px rgba(0,0,0,.25)',
    cursor: 'pointer',
  });

  var frame = document.createElement('iframe');
  frame.id = frameId;
  frame.title = 'Charging cable help';
  frame.hidden = true;
  place(frame, {
    position: 'fixed',
    bottom: '80px',
    zIndex: '2147483000',
    width: 'min(400px, calc(100vw - 40px))',
    height: 'min(600px, calc(100vh - 120px))',
    border: '0',
    borderRadius: '12px',
    boxShadow: '0 8px 30px rgba(0,0,0,.3)',
    background: '#fff',
  });

  // Open: focus goes into the chat (its message box); closed: back to the button, whose label says what it does next.
  function setOpen(open) {
    frame.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? closeLabel : label;
    if (open) {
      frame.focus();
      // On first open the chat focuses its message box itself once loaded; later, it is told to.
      if (loaded) frame.contentWindow.postMessage({ type: 'evc-chat:opened' }, chatOrigin);
    } else {
      button.focus();
    }
  }

  var loaded = false;
  frame.addEventListener('load', function () {
    // Not the empty page a frame holds before its first open.
    loaded = Boolean(frame.getAttribute('src'));
  });

  button.addEventListener('click', function () {
    // The chat loads on first open only, so sites that never open it pay nothing for it.
    if (!frame.src) frame.src = chatUrl;
    setOpen(frame.hidden);
  });

  // Escape closes it: pressed on the site's page, or inside the chat (which tells this page).
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !frame.hidden) setOpen(false);
  });
  window.addEventListener('message', function (event) {
    if (event.origin === chatOrigin && event.source === frame.contentWindow && event.data && event.data.type === 'evc-chat:close')
      setOpen(false);
  });

  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
