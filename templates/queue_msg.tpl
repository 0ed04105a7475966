{{%AUTOESCAPE context="HTML"}}
{{! One queued message: envelope, recipients with their state, and the
    headers as the spool holds them (never the body). }}
<section class="bmx bmx-narrow q" aria-labelledby="q-title">
<p class="bmx-back"><a href="/queue/{{DOMAIN}}">Queue for {{IDN}}</a></p>
<h1 id="q-title">Message <code>{{ID}}</code></h1>
{{#REQUESTED}}<p class="bmx-notice" role="status">Requested: the relay carries it out within a second. Reload to see the result.</p>{{/REQUESTED}}
{{#PENDING}}<p class="bmx-notice" role="status">A “{{VERB}}” request is waiting for the relay.</p>{{/PENDING}}
<h2>Envelope</h2>
<dl class="bmx-info">
<dt>Sender</dt><dd id="q-msg-sender">{{SENDER}}</dd>
<dt>Size</dt><dd>{{SIZE}} ({{OCTETS}} bytes)</dd>
<dt>Arrived</dt><dd><time datetime="{{ARRIVAL_ISO}}">{{ARRIVAL}} UTC</time> ({{AGE}} ago)</dd>
<dt>Expires</dt><dd><time datetime="{{EXPIRES_ISO}}">{{EXPIRES}} UTC</time> (in {{EXPIRES_IN}}; then it goes back to its sender)</dd>
{{#CLIENT}}<dt>Received from</dt><dd>{{HELO}} [{{CLIENT}}]</dd>{{/CLIENT}}
{{#ENVID}}<dt>Envelope ID</dt><dd><code>{{ENVID}}</code></dd>{{/ENVID}}
<dt>Relay node</dt><dd>{{NODE}}</dd>
{{#HELD}}<dt>Held</dt><dd>yes: not delivered until released</dd>{{/HELD}}
</dl>
<h2>Recipients</h2>
<div class="bmx-scroll">
<table class="bmx-table q-rcpt-table">
<thead><tr><th scope="col">Address</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last attempt</th><th scope="col">Next attempt</th><th scope="col">Last error</th></tr></thead>
<tbody>
{{#RCPT}}<tr>
<td data-label="Address">{{ADDRESS}}</td>
<td data-label="State"><span class="q-state q-state-{{STATE}}">{{STATE}}</span></td>
<td data-label="Attempts" class="bmx-num">{{ATTEMPTS}}</td>
<td data-label="Last attempt">{{#LAST}}<time datetime="{{LAST_ISO}}">{{LAST}} UTC</time>{{/LAST}}</td>
<td data-label="Next attempt">{{#NEXT}}<time datetime="{{NEXT_ISO}}">{{NEXT}} UTC</time>{{/NEXT}}</td>
<td data-label="Last error" class="q-error">{{#ERROR}}{{DSN}} {{ERROR}}{{/ERROR}}</td>
</tr>
{{/RCPT}}
</tbody>
</table>
</div>
<h2>Headers</h2>
{{#HEADERS}}<pre class="q-headers">{{HEADERS}}</pre>{{/HEADERS}}
{{#NO_HEADERS}}<p class="bmx-muted">The message file is on another relay node or already gone.</p>{{/NO_HEADERS}}
<h2>Actions</h2>
{{#HOLD}}<form method="post" action="/queue/{{DOMAIN}}/{{ID}}/hold" class="q-inline">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<button type="submit">Hold</button> <span class="bmx-help">Not delivered (nor its primary probed for it) until released; it still expires.</span>
</form>{{/HOLD}}
{{#RELEASE}}<form method="post" action="/queue/{{DOMAIN}}/{{ID}}/release" class="q-inline">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<button type="submit">Release</button>
</form>{{/RELEASE}}
<p><a class="bmx-danger-link" href="/queue/{{DOMAIN}}/{{ID}}/delete">Delete this message</a></p>
</section>
