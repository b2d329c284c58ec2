// The chat page: gets a Direct Line token from this service, opens Web Chat on it (WebSocket
// stream, Web Chat's default), and keeps the conversation in sessionStorage so that a reload
// continues it. A token that expired while the page slept is renewed for the same conversation.
(function () {
  'use strict';

  var storageKey = 'evc-cable-chat';
  var expiredToken = 3; // botframework-directlinejs ConnectionStatus.ExpiredToken
  var problem = document.getElementById('chat-problem');
  var reachPerson = document.getElementById('reach-person');
  var embedded = window.parent !== window;

  function showProblem(html, withContacts) {
    problem.innerHTML = html;
    problem.hidden = false;
    reachPerson.hidden = !withContacts;
  }

  if (!window.WebChat) {
    showProblem(
      'The chat widget is not installed on this server. Install Bot Framework Web Chat with ' +
        '<code>npm install --include=dev botframework-webchat</code> (or <code>npm install</code> in the ' +
        'project) and restart the service.',
    );
    return;
  }

  function StartError(status, retryAfter) {
    this.status = status;
    this.retryAfter = retryAfter;
  }

  function postJson(url, token) {
    return fetch(url, {
      method: 'POST',
      headers: token ? { Authorization: 'Bearer ' + token } : {},
    }).then(function (response) {
      if (!response.ok) throw new StartError(response.status, Number(response.headers.get('Retry-After')));
      return response.json();
    });
  }

  // In a frame on another site the browser may deny storage (Safari, blocked third-party data):
  // the chat then works as usual, only a reload starts a new conversation.
  var storage = (function () {
    try {
      window.sessionStorage.getItem(storageKey);
      return window.sessionStorage;
    } catch (error) {
      var kept = {};
      return {
        getItem: function (key) {
          return key in kept ? kept[key] : null;
        },
        setItem: function (key, value) {
          kept[key] = String(value);
        },
        removeItem: function (key) {
          delete kept[key];
        },
      };
    }
  })();

  function savedSession() {
    try {
      return JSON.parse(storage.getItem(storageKey) || 'null');
    } catch (error) {
      return null;
    }
  }

  function save(session) {
    storage.setItem(storageKey, JSON.stringify(session));
  }

  function sessionFrom(issued) {
    return {
      conversationId: issued.conversationId,
      token: issued.token,
      userId: issued.userId,
      // No domain: this service's own Direct Line; otherwise Azure's.
      domain: issued.domain || new URL('v3/directline', location.href).href,
    };
  }

  function newSession() {
    return postJson('api/webchat/token').then(sessionFrom);
  }

  // An expired token of this service's own Direct Line is exchanged for one to the same conversation.
  function renewedSession(saved) {
    return postJson('api/webchat/token', saved.token).then(sessionFrom);
  }

  // A saved conversation is continued: its token refreshed, or renewed if it expired; else a new one starts.
  function session() {
    var saved = savedSession();
    if (!saved) return newSession();
    return postJson(saved.domain + '/tokens/refresh', saved.token)
      .then(function (refreshed) {
        saved.token = refreshed.token;
        return saved;
      })
      .catch(function () {
        return renewedSession(saved);
      })
      .catch(function () {
        storage.removeItem(storageKey);
        return newSession();
      });
  }

  function focusMessageBox() {
    var box = document.querySelector('#webchat [data-id="webchat-sendbox-input"], #webchat input[type="text"], #webchat textarea');
    if (box) box.focus();
    return Boolean(box);
  }

  // Web Chat builds its send box after rendering: focus it as soon as it is there.
  function focusMessageBoxOnceShown() {
    if (focusMessageBox()) return;
    var observer = new MutationObserver(function () {
      if (focusMessageBox()) observer.disconnect();
    });
    observer.observe(document.getElementById('webchat'), { childList: true, subtree: true });
  }

  var directLine;

  // A fresh Web Chat for the session: after a renewal it loads the conversation's history again.
  function render(current) {
    save(current);
    if (directLine) directLine.end();
    var host = document.getElementById('webchat');
    var fresh = host.cloneNode(false);
    host.replaceWith(fresh);
    var connection = window.WebChat.createDirectLine({
      token: current.token,
      domain: current.domain,
      conversationId: current.conversationId,
    });
    directLine = connection;
    var renewing = false;
    connection.connectionStatus$.subscribe(function (status) {
      if (status !== expiredToken || renewing) return;
      renewing = true;
      current.token = connection.token;
      renewedSession(current).then(render, function (error) {
        showProblem('The chat was interrupted (' + describe(error) + '). Please reload the page.', true);
      });
    });
    window.WebChat.renderWebChat(
      {
        directLine: connection,
        locale: 'en-GB',
        styleOptions: {
          accent: '#0b6e4f',
          botAvatarInitials: 'EV',
          // Photos of damage (a bent pin): the types the service takes, several at once.
          uploadAccept: 'image/jpeg,image/png,image/webp,image/heic',
          uploadMultiple: true,
          sendBoxButtonColor: '#0b6e4f',
          suggestedActionLayout: 'flow',
          bubbleBorderRadius: 8,
          bubbleFromUserBorderRadius: 8,
          bubbleFromUserBackground: '#e3f1ec',
        },
      },
      fresh,
    );
    focusMessageBoxOnceShown();
  }

  function describe(error) {
    if (error instanceof StartError) {
      if (error.status === 429)
        return (
          'too many chats from your network just now' + (error.retryAfter > 0 ? '; try again in ' + error.retryAfter + ' seconds' : '')
        );
      return 'the service answered ' + error.status;
    }
    return 'the service could not be reached';
  }

  // Direct Line refreshes its token on its own; keep the newest one for the next reload.
  window.addEventListener('pagehide', function () {
    var saved = savedSession();
    if (saved && directLine && directLine.token) {
      saved.token = directLine.token;
      save(saved);
    }
  });

  // Inside the embed's frame, Escape closes the chat (the frame's keys never reach the site's page).
  if (embedded) {
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') window.parent.postMessage({ type: 'evc-chat:close' }, '*');
    });
    window.addEventListener('message', function (event) {
      if (event.source === window.parent && event.data && event.data.type === 'evc-chat:opened') focusMessageBox();
    });
  }

  session()
    .then(render)
    .catch(function (error) {
      showProblem('The chat could not start: ' + describe(error) + '. Please try again in a moment.', true);
    });
})();
