// The chat page: gets a Direct Line token from this service, opens Web Chat on it, and keeps the
// conversation in sessionStorage so that a reload within the token's life continues it.
(function () {
  'use strict';

  var storageKey = 'evc-cable-chat';
  var problem = document.getElementById('chat-problem');

  function showProblem(html) {
    problem.innerHTML = html;
    problem.hidden = false;
  }

  if (!window.WebChat) {
    showProblem(
      'The chat widget is not installed on this server. Install Bot Framework Web Chat with ' +
        '<code>npm install --include=dev botframework-webchat</code> (or <code>npm install</code> in the ' +
        'project) and restart the service.'
    );
    return;
  }

  function postJson(url, token) {
    return fetch(url, {
      method: 'POST',
      headers: token ? { Authorization: 'Bearer ' + token } : {},
    }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    });
  }

  function savedSession() {
    try {
      return JSON.parse(sessionStorage.getItem(storageKey) || 'null');
    } catch (error) {
      return null;
    }
  }

  function newSession() {
    return postJson('api/webchat/token').then(function (issued) {
      return {
        conversationId: issued.conversationId,
        token: issued.token,
        userId: issued.userId,
        // No domain: this service's own Direct Line; otherwise Azure's.
        domain: issued.domain || new URL('v3/directline', location.href).href,
      };
    });
  }

  // A saved conversation is continued if its token can still be refreshed; otherwise a new one starts.
  function session() {
    var saved = savedSession();
    if (!saved) return newSession();
    return postJson(saved.domain + '/tokens/refresh', saved.token).then(
      function (refreshed) {
        saved.token = refreshed.token;
        return saved;
      },
      function () {
        sessionStorage.removeItem(storageKey);
        return newSession();
      }
    );
  }

  session()
    .then(function (current) {
      sessionStorage.setItem(storageKey, JSON.stringify(current));
      var directLine = window.WebChat.createDirectLine({
        token: current.token,
        domain: current.domain,
        conversationId: current.conversationId,
        webSocket: false,
        pollingInterval: 500,
      });
      // Direct Line refreshes its token on its own; keep the newest one for the next reload.
      window.addEventListener('pagehide', function () {
        if (directLine.token) {
          current.token = directLine.token;
          sessionStorage.setItem(storageKey, JSON.stringify(current));
        }
      });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          locale: 'en-GB',
          styleOptions: {
            accent: '#0b6e4f',
            botAvatarInitials: 'EV',
            hideUploadButton: true,
            sendBoxButtonColor: '#0b6e4f',
            suggestedActionLayout: 'flow',
            bubbleBorderRadius: 8,
            bubbleFromUserBorderRadius: 8,
            bubbleFromUserBackground: '#e3f1ec',
          },
        },
        document.getElementById('webchat')
      );
      document.querySelector('#webchat').focus();
    })
    .catch(function (error) {
      showProblem('The chat could not start (' + String(error.message) + '). Please reload the page in a moment.');
    });
})();
