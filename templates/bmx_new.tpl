{{%AUTOESCAPE context="HTML"}}
{{! A new BackupMX entry for a portfolio domain (an admin: any customer's). }}
<section class="bmx bmx-narrow" aria-labelledby="bmx-new-title">
<p class="bmx-back"><a href="/backupmx">All BackupMX entries</a></p>
<h1 id="bmx-new-title">New BackupMX entry</h1>
<form class="bmx-form" method="post" action="/backupmx/new" novalidate>
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="field{{#DOMAIN_ERROR}} bmx-invalid{{/DOMAIN_ERROR}}">
<label for="bmx-domain">Domain</label>
<input id="bmx-domain" name="domain" type="text" value="{{DOMAIN}}" required
 maxlength="1000" list="bmx-candidates" autocapitalize="none" spellcheck="false"
 aria-describedby="{{#DOMAIN_ERROR}}bmx-domain-error {{/DOMAIN_ERROR}}bmx-domain-help"{{#DOMAIN_ERROR}} aria-invalid="true"{{/DOMAIN_ERROR}}>
{{#DOMAIN_ERROR}}<p id="bmx-domain-error" class="bmx-error">{{DOMAIN_ERROR}}</p>{{/DOMAIN_ERROR}}
<p id="bmx-domain-help" class="bmx-help">A domain of {{#ADMIN}}any customer's portfolio (the entry belongs to the domain's owner){{/ADMIN}}{{#CUSTOMER}}your portfolio{{/CUSTOMER}}, in Unicode or xn-- form.{{#NO_CANDIDATES}} There is no portfolio domain without BackupMX right now: order a domain through the <a href="/cart">cart</a>.{{/NO_CANDIDATES}}</p>
<datalist id="bmx-candidates">
{{#CANDIDATE}}<option value="{{IDN}}">{{#OWNER}}{{OWNER}}{{/OWNER}}</option>
{{/CANDIDATE}}</datalist>
</div>
<div class="field{{#HOST_ERROR}} bmx-invalid{{/HOST_ERROR}}">
<label for="bmx-host">Delivery host <span class="bmx-muted">(optional)</span></label>
<input id="bmx-host" name="delivery_host" type="text" value="{{HOST}}"
 maxlength="300" autocapitalize="none" spellcheck="false" placeholder="mail.example.com:25"
 aria-describedby="{{#HOST_ERROR}}bmx-host-error {{/HOST_ERROR}}bmx-host-help"{{#HOST_ERROR}} aria-invalid="true"{{/HOST_ERROR}}>
{{#HOST_ERROR}}<p id="bmx-host-error" class="bmx-error">{{HOST_ERROR}}</p>{{/HOST_ERROR}}
<p id="bmx-host-help" class="bmx-help"><code>host</code> or <code>host:port</code> where we deliver the mail we kept. Empty: the domain's MX records.</p>
</div>
<div class="bmx-buttons">
<button type="submit">Create BackupMX entry</button>
<a href="/backupmx">Cancel</a>
</div>
</form>
</section>
