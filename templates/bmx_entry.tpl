{{%AUTOESCAPE context="HTML"}}
{{! One BackupMX entry: what it is, and the form for its extension fields
    (delivery host, recipient policy and list, only while the primary is
    down).  multipart/form-data so that a list can be uploaded. }}
<section class="bmx bmx-narrow" aria-labelledby="bmx-entry-title">
<p class="bmx-back"><a href="/backupmx">All BackupMX entries</a></p>
<h1 id="bmx-entry-title">{{IDN}}</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
{{#NOTICE}}<p class="bmx-notice" role="status">{{NOTICE}}</p>{{/NOTICE}}
<dl class="bmx-info">
<dt>Status</dt><dd>{{#ACTIVE}}active: our relay accepts mail for this domain{{#WHEN_DOWN}} while its primary mail server is down{{/WHEN_DOWN}}{{/ACTIVE}}{{#INACTIVE}}inactive: our relay refuses mail for this domain{{/INACTIVE}}</dd>
<dt>Recipients</dt><dd>{{#POLICY_ANY}}any address{{/POLICY_ANY}}{{#POLICY_LIST}}only the {{NRCPT}} listed{{/POLICY_LIST}}</dd>
<dt>Delivery</dt><dd>{{#STORED_HOST}}to <code>{{STORED_HOST}}</code>{{/STORED_HOST}}{{#STORED_MX}}to the domain's MX records{{/STORED_MX}}</dd>
<dt>Owner</dt><dd>{{OWNER}}</dd>
<dt>Created</dt><dd><time datetime="{{CREATED}}Z">{{CREATED}} UTC</time></dd>
<dt>Updated</dt><dd><time datetime="{{UPDATED}}Z">{{UPDATED}} UTC</time> by {{UPDATER}}</dd>
<dt>Queued messages</dt><dd>{{QUEUED}}</dd>
</dl>
<h2>Settings</h2>
{{#HAS_ERRORS}}<p class="bmx-error" role="alert">Nothing was saved: please correct the fields marked below.</p>{{/HAS_ERRORS}}
<form class="bmx-form" method="post" action="/backupmx/{{DOMAIN}}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="field{{#HOST_ERROR}} bmx-invalid{{/HOST_ERROR}}">
<label for="bmx-host">Delivery host</label>
<input id="bmx-host" name="delivery_host" type="text" value="{{HOST}}"
 maxlength="300" autocapitalize="none" spellcheck="false" placeholder="MX records"
 aria-describedby="{{#HOST_ERROR}}bmx-host-error {{/HOST_ERROR}}bmx-host-help"{{#HOST_ERROR}} aria-invalid="true"{{/HOST_ERROR}}>
{{#HOST_ERROR}}<p id="bmx-host-error" class="bmx-error">{{HOST_ERROR}}</p>{{/HOST_ERROR}}
<p id="bmx-host-help" class="bmx-help"><code>host</code> or <code>host:port</code> where we deliver the mail we kept. Empty: the domain's MX records.</p>
</div>
<fieldset class="bmx-fieldset{{#POLICY_ERROR}} bmx-invalid{{/POLICY_ERROR}}">
<legend>Recipients</legend>
<label class="bmx-choice"><input type="radio" name="policy" value="any"{{#ANY}} checked{{/ANY}}> Accept mail for any address of the domain</label>
<label class="bmx-choice"><input type="radio" name="policy" value="list"{{#LIST}} checked{{/LIST}}> Accept mail only for the addresses listed below</label>
{{#POLICY_ERROR}}<p id="bmx-policy-error" class="bmx-error">{{POLICY_ERROR}}</p>{{/POLICY_ERROR}}
<div class="field{{#LIST_ERROR}} bmx-invalid{{/LIST_ERROR}}">
<label for="bmx-list">Address list</label>
<textarea id="bmx-list" name="recipients" rows="8" autocapitalize="none" spellcheck="false"
 aria-describedby="{{#LIST_ERROR}}bmx-list-error {{/LIST_ERROR}}bmx-list-help"{{#LIST_ERROR}} aria-invalid="true"{{/LIST_ERROR}}>{{RECIPIENTS:p}}</textarea>
{{#LIST_ERROR}}<p id="bmx-list-error" class="bmx-error">{{LIST_ERROR}}</p>{{/LIST_ERROR}}
<p id="bmx-list-help" class="bmx-help">One address of {{IDN}} per line; <code>*@{{IDN}}</code> stands for every address. Mail for any other address gets <code>550 5.1.1</code>. Kept when any address is accepted, used when only listed ones are.</p>
</div>
<div class="field{{#FILE_ERROR}} bmx-invalid{{/FILE_ERROR}}">
<label for="bmx-file">Or upload the list</label>
<input id="bmx-file" name="recipients_file" type="file" accept=".txt,.csv,.list,text/plain"
 aria-describedby="{{#FILE_ERROR}}bmx-file-error {{/FILE_ERROR}}bmx-file-help"{{#FILE_ERROR}} aria-invalid="true"{{/FILE_ERROR}}>
{{#FILE_ERROR}}<p id="bmx-file-error" class="bmx-error">{{FILE_ERROR}}</p>{{/FILE_ERROR}}
<p id="bmx-file-help" class="bmx-help">A text file in the same format; it replaces the list above.</p>
</div>
</fieldset>
<div class="field bmx-check">
<input type="checkbox" id="bmx-down" name="only_when_down" value="1"{{#DOWN}} checked{{/DOWN}} aria-describedby="bmx-down-help">
<label for="bmx-down">Accept mail only while the primary mail server is down</label>
<p id="bmx-down-help" class="bmx-help">While our checks reach your primary, senders are told to try again later (<code>450 4.7.1</code>) and deliver there instead.</p>
</div>
<div class="bmx-buttons">
<button type="submit">Save settings</button>
</div>
</form>
<h2>Delete</h2>
<p>Ends BackupMX for this domain; mail already queued is still delivered.</p>
<p><a class="bmx-danger-link" href="/backupmx/{{DOMAIN}}/delete">Delete this BackupMX entry</a></p>
</section>
