{{%AUTOESCAPE context="HTML"}}
{{! One domain's queue: the state at a glance, "deliver now", the owner's
    e-mail notices, the pictures, and the messages (filtered, sorted and
    paged by links and GET forms). }}
<section class="bmx q" aria-labelledby="q-title">
<p class="bmx-back"><a href="/queue">All queues</a></p>
<h1 id="q-title">Queue for {{IDN}}</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
{{#NOTICE}}<p class="bmx-notice" role="status">{{NOTICE}}</p>{{/NOTICE}}
<dl class="bmx-info q-glance">
<dt>Queued</dt><dd id="q-nmsg"><span class="q-count">{{NMSG}}</span> message(s), {{SIZE}}{{#HELD}}; {{HELD}} held{{/HELD}}</dd>
<dt>Oldest</dt><dd>{{#OLDEST}}{{OLDEST_AGE}} old{{/OLDEST}}{{#EMPTY}}—{{/EMPTY}}</dd>
<dt>First expiry</dt><dd>{{#EXPIRY}}in {{EXPIRY_IN}} (then returned to its sender){{/EXPIRY}}{{#EMPTY}}—{{/EMPTY}}</dd>
<dt>Primary mail server</dt><dd id="q-primary">{{#PRIMARY_UNKNOWN}}not checked yet{{/PRIMARY_UNKNOWN}}{{#PRIMARY_UP}}<span class="q-up">reachable</span>, checked <time datetime="{{PROBED_ISO}}">{{PROBED}} UTC</time> ({{PROBED_REL}}){{/PRIMARY_UP}}{{#PRIMARY_DOWN}}<span class="q-down">unreachable</span>: <span class="q-reason">{{RESULT}}</span>; checked <time datetime="{{PROBED_ISO}}">{{PROBED}} UTC</time> ({{PROBED_REL}}){{#NEXT}}; next check <time datetime="{{NEXT_ISO}}">{{NEXT}} UTC</time> ({{NEXT_REL}}){{/NEXT}}{{/PRIMARY_DOWN}}</dd>
<dt>Next attempt</dt><dd id="q-next">{{#NEXT_ATTEMPT}}<time datetime="{{NEXT_ISO}}">{{NEXT}} UTC</time> ({{NEXT_REL}}){{/NEXT_ATTEMPT}}{{#NO_NEXT}}—{{/NO_NEXT}}</dd>
<dt>Last delivery</dt><dd>{{#DELIVERED}}<time datetime="{{LAST_ISO}}">{{LAST}} UTC</time> ({{LAST_REL}}){{/DELIVERED}}{{#NEVER}}none yet{{/NEVER}}</dd>
<dt>Delivered, returned</dt><dd>{{DELIVERED_N}} recipients delivered, {{BOUNCED_N}} returned to their senders</dd>
</dl>
<form class="q-flush" method="post" action="/queue/{{DOMAIN}}/flush">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<button type="submit" id="q-deliver-now">Deliver now</button>
<span class="bmx-help">Checks the primary mail server at once and delivers everything queued if it answers.</span>
</form>
{{#FLUSH}}<p class="q-progress" id="q-progress" role="status">Last “deliver now”: requested <time datetime="{{REQUESTED_ISO}}">{{REQUESTED_REL}}</time> by {{BY}}; {{#WAITING}}waiting for the relay to start it.{{/WAITING}}{{#STARTED}}the relay started it <time datetime="{{DONE_ISO}}">{{DONE_REL}}</time>.{{/STARTED}} {{NMSG}} message(s) still queued.</p>{{/FLUSH}}
{{#NOTIFY_FORM}}<form class="q-notify" method="post" action="/queue/{{DOMAIN}}/notify">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="field bmx-check">
<input type="checkbox" id="q-notify" name="notify" value="1"{{#NOTIFY_ON}} checked{{/NOTIFY_ON}} aria-describedby="q-notify-help">
<label for="q-notify">E-mail me about this queue</label>
<p id="q-notify-help" class="bmx-help">To the contact address of your account: when mail starts queuing, once a day while it stays, and when everything has been delivered.</p>
</div>
<button type="submit">Save</button>
</form>{{/NOTIFY_FORM}}
<div class="q-charts">
<img src="/queue/{{DOMAIN}}/chart.svg" width="720" height="300" alt="Chart: messages queued and recipients delivered over the last 14 days for {{IDN}}">
<img src="/queue/{{DOMAIN}}/ages.svg" width="720" height="300" alt="Chart: queued messages for {{IDN}} by age">
</div>
<h2>Messages</h2>
<form class="bmx-search q-filter" method="get" action="/queue/{{DOMAIN}}" role="search">
<div class="q-filter-row">
<div class="field"><label for="q-sender">Sender contains</label>
<input id="q-sender" name="sender" type="search" value="{{F_SENDER}}" maxlength="200" autocapitalize="none" spellcheck="false"></div>
<div class="field"><label for="q-rcpt">Recipient contains</label>
<input id="q-rcpt" name="rcpt" type="search" value="{{F_RCPT}}" maxlength="200" autocapitalize="none" spellcheck="false"></div>
<input type="hidden" name="sort" value="{{F_SORT}}">
<input type="hidden" name="dir" value="{{F_DIR}}">
<button type="submit">Filter</button>
</div>
</form>
{{#NO_MSG}}<p id="q-empty">Nothing is queued for this domain.</p>{{/NO_MSG}}
{{#NO_MATCH}}<p id="q-empty">No queued message matches.</p>{{/NO_MATCH}}
{{#TABLE}}
<p class="bmx-summary">{{TOTAL}} message(s).</p>
<div class="bmx-scroll">
<table class="bmx-table q-messages">
<thead>
<tr>
<th scope="col">ID</th>
{{#H_ARRIVAL}}<th scope="col"{{#ARIA}} aria-sort="{{SORTDIR}}"{{/ARIA}}><a href="{{HREF}}">{{LABEL}}{{#ARROW}}<span aria-hidden="true"> {{ARROW_CHAR}}</span>{{/ARROW}}</a></th>{{/H_ARRIVAL}}
{{#H_SIZE}}<th scope="col"{{#ARIA}} aria-sort="{{SORTDIR}}"{{/ARIA}}><a href="{{HREF}}">{{LABEL}}{{#ARROW}}<span aria-hidden="true"> {{ARROW_CHAR}}</span>{{/ARROW}}</a></th>{{/H_SIZE}}
{{#H_SENDER}}<th scope="col"{{#ARIA}} aria-sort="{{SORTDIR}}"{{/ARIA}}><a href="{{HREF}}">{{LABEL}}{{#ARROW}}<span aria-hidden="true"> {{ARROW_CHAR}}</span>{{/ARROW}}</a></th>{{/H_SENDER}}
<th scope="col">Recipients</th>
<th scope="col">Attempts</th>
<th scope="col">Last error</th>
<th scope="col">Next attempt</th>
<th scope="col">Expires</th>
<th scope="col"><span class="bmx-sr">Actions</span></th>
</tr>
</thead>
<tbody>
{{#MSG}}<tr data-id="{{ID}}">
<td data-label="ID"><a class="q-id" href="/queue/{{DOMAIN}}/{{ID}}"><code>{{ID}}</code></a>{{#HELD}} <span class="bmx-tag">held</span>{{/HELD}}</td>
<td data-label="Arrival"><time datetime="{{ARRIVAL_ISO}}">{{ARRIVAL}} UTC</time></td>
<td data-label="Size" class="bmx-num">{{SIZE}}</td>
<td data-label="Sender" class="q-sender">{{SENDER}}</td>
<td data-label="Recipients"><ul class="q-rcpts">{{#RCPT}}<li>{{ADDRESS}} <span class="q-state q-state-{{STATE}}">{{STATE}}</span></li>{{/RCPT}}</ul></td>
<td data-label="Attempts" class="bmx-num">{{ATTEMPTS}}</td>
<td data-label="Last error" class="q-error">{{#ERROR}}{{ERROR}}{{/ERROR}}{{#NO_ERROR}}<span class="bmx-muted">—</span>{{/NO_ERROR}}</td>
<td data-label="Next attempt">{{#NEXT}}<time datetime="{{NEXT_ISO}}">{{NEXT_REL}}</time>{{/NEXT}}{{#HELD}}<span class="bmx-muted">held</span>{{/HELD}}</td>
<td data-label="Expires"><time datetime="{{EXPIRES_ISO}}">{{EXPIRES_REL}}</time></td>
<td class="bmx-actions"><a href="/queue/{{DOMAIN}}/{{ID}}/delete">Delete</a></td>
</tr>
{{/MSG}}
</tbody>
</table>
</div>
{{/TABLE}}
{{#PAGER}}<nav class="bmx-pager" aria-label="Pages">
<ul>
{{#PREV}}<li><a href="{{HREF}}" rel="prev">Previous</a></li>
{{/PREV}}<li><span aria-current="page">Page {{PAGE}} of {{PAGES}}</span></li>
{{#NEXT}}<li><a href="{{HREF}}" rel="next">Next</a></li>
{{/NEXT}}</ul>
</nav>
{{/PAGER}}
</section>
