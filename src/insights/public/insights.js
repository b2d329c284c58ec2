// The insights page: asks /api/insights with the token a person typed in (kept in sessionStorage,
// sent as a bearer token) and draws the figures with plain DOM: no framework, no inline script.
(function () {
  'use strict';

  var tokenKey = 'evc-insights-token';
  var daysSelect = document.getElementById('days');
  var signIn = document.getElementById('sign-in');
  var problem = document.getElementById('problem');
  var main = document.getElementById('insights');

  function token() {
    return sessionStorage.getItem(tokenKey) || '';
  }

  function request(path) {
    var headers = token() ? { Authorization: 'Bearer ' + token() } : {};
    return fetch(path + '?days=' + encodeURIComponent(daysSelect.value), { headers: headers }).then(function (response) {
      if (response.status === 401) {
        sessionStorage.removeItem(tokenKey);
        showSignIn();
        throw new Error('signed out');
      }
      if (!response.ok) {
        return response.json().then(function (body) {
          throw new Error(body.message || 'HTTP ' + response.status);
        });
      }
      return response;
    });
  }

  function showSignIn() {
    main.hidden = true;
    signIn.hidden = false;
    document.getElementById('token').focus();
  }

  function showProblem(message) {
    problem.textContent = message;
    problem.hidden = false;
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function percent(ratio) {
    return ratio === null ? '–' : Math.round(ratio * 100) + '%';
  }

  function rating(average) {
    return average === null ? '–' : average.toFixed(1);
  }

  function sum(values) {
    return values.reduce(function (a, b) {
      return a + b;
    }, 0);
  }

  /** A bar of `part` out of `whole`, with its number; widths through CSSOM, which the policy allows. */
  function bar(part, whole, label) {
    var cell = el('div', null, 'bar');
    var fill = el('span', null, 'bar-fill');
    fill.style.width = (whole > 0 ? Math.min(100, (100 * part) / whole) : 0) + '%';
    cell.appendChild(fill);
    cell.appendChild(el('span', label === undefined ? part : label, 'bar-label'));
    return cell;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (cell) {
      var td = document.createElement('td');
      if (cell instanceof Node) td.appendChild(cell);
      else td.textContent = String(cell);
      tr.appendChild(td);
    });
    return tr;
  }

  function fillTable(id, rows, empty) {
    var body = document.querySelector('#' + id + ' tbody');
    body.replaceChildren();
    rows.forEach(function (r) {
      body.appendChild(r);
    });
    if (rows.length === 0) {
      var td = el('td', empty, 'empty');
      td.colSpan = document.querySelectorAll('#' + id + ' th').length;
      var tr = document.createElement('tr');
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function setFigure(name, value) {
    document.querySelector('[data-figure="' + name + '"]').textContent = value;
  }

  function drawOverview(s) {
    var runs = sum(
      s.procedures.map(function (p) {
        return p.started - p.continued;
      }),
    );
    var ratings = sum(Object.values(s.ratings));
    setFigure('started', runs);
    setFigure('containment', percent(s.containment));
    setFigure('handoffs', sum(Object.values(s.handoffs)));
    setFigure('rating', rating(s.averageRating));
    setFigure('ratings', 'average rating (' + ratings + (ratings === 1 ? ' rating)' : ' ratings)'));
    setFigure('misunderstood', sum(Object.values(s.misunderstoodCounts)));
  }

  function drawDaily(s) {
    fillTable(
      'daily',
      s.daily
        .slice()
        .reverse()
        .map(function (d) {
          return row([
            d.day,
            d.started,
            bar(d.resolved, d.started, percent(d.containment)),
            d.handedOff,
            rating(d.averageRating),
            d.misunderstood,
          ]);
        }),
      'No days yet.',
    );
  }

  function drawProcedures(s) {
    var container = document.getElementById('procedures');
    container.replaceChildren();
    s.procedures.forEach(function (p) {
      var section = el('article', null, 'procedure');
      section.dataset.procedure = p.procedure;
      section.appendChild(el('h3', p.title));
      var facts = el('p', null, 'facts');
      [
        ['started', 'started'],
        ['resolved', 'freed'],
        ['handedOff', 'handed off'],
        ['abandoned', 'abandoned'],
        ['continued', 'went on to another procedure'],
      ].forEach(function (f) {
        var fact = el('span', null, 'fact');
        var figure = el('strong', p[f[0]]);
        figure.dataset.field = f[0];
        fact.appendChild(figure);
        fact.appendChild(document.createTextNode(' ' + f[1]));
        facts.appendChild(fact);
      });
      section.appendChild(facts);
      var table = el('table', null, 'funnel');
      var head = document.createElement('tr');
      ['Step', 'Reached', 'Freed here', 'Still stuck', 'Handed off here', 'Left here'].forEach(function (title) {
        head.appendChild(el('th', title));
      });
      var thead = document.createElement('thead');
      thead.appendChild(head);
      table.appendChild(thead);
      var body = document.createElement('tbody');
      var widest = Math.max.apply(
        null,
        [p.started].concat(
          p.steps.map(function (step) {
            return step.reached;
          }),
        ),
      );
      p.steps.forEach(function (step) {
        var tr = row([step.title, bar(step.reached, widest), step.freed, step.stillStuck, step.handedOff, step.left]);
        tr.dataset.step = step.step;
        body.appendChild(tr);
      });
      table.appendChild(body);
      section.appendChild(table);
      container.appendChild(section);
    });
  }

  /** Rows of `counts`, largest first, or in the order of `byKey` when given. */
  function drawCounts(id, counts, empty, label, byKey) {
    var total = sum(Object.values(counts));
    var entries = Object.entries(counts).sort(
      byKey ||
        function (a, b) {
          return b[1] - a[1];
        },
    );
    fillTable(
      id,
      entries.map(function (entry) {
        var tr = row([label(entry[0]), bar(entry[1], total)]);
        tr.dataset.key = entry[0];
        return tr;
      }),
      empty,
    );
  }

  function drawMisunderstood(s) {
    fillTable(
      'misunderstood',
      s.misunderstood.map(function (m) {
        var where = [m.stage, m.procedure, m.step].filter(Boolean).join(' / ');
        var thought = m.topLabels
          .map(function (l) {
            return l.intent + ' ' + percent(l.confidence);
          })
          .join(', ');
        return row([m.at.slice(0, 16).replace('T', ' '), m.text, where, m.why.replace(/_/g, ' '), thought || '–']);
      }),
      'Nothing misunderstood in this period.',
    );
  }

  function load() {
    problem.hidden = true;
    return request('api/insights')
      .then(function (response) {
        return response.json();
      })
      .then(function (s) {
        signIn.hidden = true;
        drawOverview(s);
        drawDaily(s);
        drawProcedures(s);
        drawCounts('handoffs', s.handoffs, 'No handoffs in this period.', function (reason) {
          return reason.replace(/_/g, ' ');
        });
        drawCounts(
          'ratings',
          s.ratings,
          'No ratings in this period.',
          function (score) {
            return score + ' of 5';
          },
          function (a, b) {
            return Number(b[0]) - Number(a[0]);
          },
        );
        drawMisunderstood(s);
        main.hidden = false;
        document.body.dataset.loaded = daysSelect.value;
      })
      .catch(function (error) {
        if (error.message !== 'signed out') showProblem('The insights could not be loaded: ' + error.message);
      });
  }

  function download() {
    request('api/insights/review')
      .then(function (response) {
        return response.blob();
      })
      .then(function (blob) {
        var link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = 'misunderstood-' + new Date().toISOString().slice(0, 10) + '.txt';
        document.body.appendChild(link);
        link.click();
        link.remove();
        URL.revokeObjectURL(link.href);
      })
      .catch(function (error) {
        if (error.message !== 'signed out') showProblem('The messages could not be downloaded: ' + error.message);
      });
  }

  signIn.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(tokenKey, document.getElementById('token').value.trim());
    load();
  });
  daysSelect.addEventListener('change', load);
  document.getElementById('download').addEventListener('click', download);
  load();
})();
