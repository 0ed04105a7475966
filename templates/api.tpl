{{%AUTOESCAPE context="HTML"}}
{{! The API page: how to call the AutoDNS-compatible API with this account. }}
{{! Every value comes from the account or the configuration; no password. }}
<div class="acct api">
<h1>API</h1>
<p>BackupMX speaks the AutoDNS JSON API for BackupMx, so AutoDNS clients work
against this address unchanged. Sign in with your panel user name and
password (HTTP Basic) and send the context header. You see and change only
your own BackupMX entries.</p>

<section class="acct-box" aria-labelledby="api-conn">
<h2 id="api-conn">Connection</h2>
<dl class="acct-facts">
<dt>Base URL</dt><dd><code>{{BASE}}/v1</code></dd>
<dt>XML gateway</dt><dd><code>{{BASE}}/gateway</code></dd>
<dt>User</dt><dd><code>{{USER}}</code></dd>
<dt>Context</dt><dd><code>X-Domainrobot-Context: {{CONTEXT}}</code></dd>
<dt>Rate limit</dt><dd>{{RATE}} requests a second per client address (bursts allowed); more get HTTP 429</dd>
</dl>
<p class="acct-muted">Replace <code>YOUR-PASSWORD</code> with your password. Add
<code>?ctid=…</code> to any call to get your own transaction id back.</p>
</section>

<section class="acct-box" aria-labelledby="api-json">
<h2 id="api-json">JSON examples</h2>
<h3>Create a BackupMX entry (task 0521)</h3>
<pre><code>curl -u '{{USER}}:YOUR-PASSWORD' -H 'X-Domainrobot-Context: {{CONTEXT}}' -H 'Content-Type: application/json' -d '{"domain": "{{NEWDOMAIN}}"}' '{{BASE}}/v1/backupMx'</code></pre>
<h3>Show an entry (task 0524)</h3>
<pre><code>curl -u '{{USER}}:YOUR-PASSWORD' -H 'X-Domainrobot-Context: {{CONTEXT}}' '{{BASE}}/v1/backupMx/{{DOMAIN}}'</code></pre>
<h3>List entries (task 0524)</h3>
<pre><code>curl -u '{{USER}}:YOUR-PASSWORD' -H 'X-Domainrobot-Context: {{CONTEXT}}' -H 'Content-Type: application/json' -d '{"filters": [{"key": "domain", "value": "*", "operator": "LIKE"}], "view": {"limit": 50, "offset": 0}, "orders": [{"key": "created", "type": "DESC"}]}' '{{BASE}}/v1/backupMx/_search?keys[]=created&amp;keys[]=updated'</code></pre>
<p class="acct-muted">Filter and order keys: <code>domain</code>, <code>idn</code>,
<code>created</code>, <code>updated</code>, <code>owner</code>, <code>updater</code>,
<code>deliveryHost</code>, <code>recipientPolicy</code>, <code>onlyWhenDown</code>.
Operators: EQUAL, NOT_EQUAL, LIKE, NOT_LIKE, ILIKE, GREATER, GREATER_EQUAL, LESS,
LESS_EQUAL, NOT_LESS, NOT_GREATER, NOT_LESS_EQUAL, NOT_GREATER_EQUAL, IN, NOT_IN,
IS_NULL, IS_NOT_NULL; <code>*</code> is the wildcard of LIKE; nested
<code>filters</code> join with <code>link</code> AND or OR. Extra fields with
<code>keys[]</code>: created, updated, deliveryHost, recipientPolicy, onlyWhenDown, queued.</p>
<h3>Delete an entry (task 0523)</h3>
<pre><code>curl -u '{{USER}}:YOUR-PASSWORD' -H 'X-Domainrobot-Context: {{CONTEXT}}' -X DELETE '{{BASE}}/v1/backupMx/{{DOMAIN}}'</code></pre>
<h3>Several at once</h3>
<pre><code>curl -u '{{USER}}:YOUR-PASSWORD' -H 'X-Domainrobot-Context: {{CONTEXT}}' -H 'Content-Type: application/json' -d '{"objects": [{"domain": "{{NEWDOMAIN}}"}]}' '{{BASE}}/v1/bulk/backupMx'</code></pre>
<p class="acct-muted">The same path with <code>-X DELETE</code> deletes the listed objects.</p>
</section>

<section class="acct-box" aria-labelledby="api-xml">
<h2 id="api-xml">XML gateway</h2>
<pre><code>curl -H 'Content-Type: text/xml' --data-binary '&lt;request&gt;&lt;auth&gt;&lt;user&gt;{{USER}}&lt;/user&gt;&lt;password&gt;YOUR-PASSWORD&lt;/password&gt;&lt;context&gt;{{CONTEXT}}&lt;/context&gt;&lt;/auth&gt;&lt;task&gt;&lt;code&gt;0524&lt;/code&gt;&lt;backupmx&gt;&lt;domain&gt;{{DOMAIN}}&lt;/domain&gt;&lt;/backupmx&gt;&lt;/task&gt;&lt;/request&gt;' '{{BASE}}/gateway'</code></pre>
</section>

<section class="acct-box" aria-labelledby="api-answers">
<h2 id="api-answers">Answers</h2>
<p>Every answer, errors included, has <code>stid</code>, <code>ctid</code> (when
you sent one), <code>status</code> (<code>code</code> S0521, S0523 or S0524 on
success, an E code on errors; <code>text</code>; <code>type</code>),
<code>object</code>, <code>data</code> and <code>messages</code>. HTTP status:
200 success, 400 bad input, 401 wrong credentials, 404 not found (or not yours),
409 already exists, 413 request too large, 429 too many requests or failed sign-ins.
Dates look like <code>2019-09-19T12:40:02.000+0000</code> (UTC).</p>
</section>
</div>
