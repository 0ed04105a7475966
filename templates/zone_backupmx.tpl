{{%AUTOESCAPE context="HTML"}}
{{! "Add BackupMX entries": the mail server at MX 10 (or MailProxy in its
    place), our backup servers at 20, 30, 40 or only the first at 20. }}
<section class="bmx bmx-narrow" aria-labelledby="zone-bmx-title">
<p class="bmx-back"><a href="/zones/{{DOMAIN}}/records">Additional Nameserver Entries of {{IDN}}</a></p>
<h1 id="zone-bmx-title">Add BackupMX entries</h1>
<p>These MX records go into the zone {{IDN}}; MX records for our backup servers that are already there are replaced.</p>
<form class="bmx-form" method="post" action="/zones/{{DOMAIN}}/backupmx" novalidate>
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
{{#PROXY}}<p>MX 10: <code>{{PROXY}}.</code> (MailProxy, in place of your mail server)</p>{{/PROXY}}
{{#NO_PROXY}}<div class="field{{#PRIMARY_ERROR}} bmx-invalid{{/PRIMARY_ERROR}}">
<label for="zone-primary">Your mail server (MX 10)</label>
<input id="zone-primary" name="primary" type="text" value="{{PRIMARY}}" maxlength="254" autocapitalize="none" spellcheck="false" placeholder="mailserver.{{DOMAIN}}."
 aria-describedby="{{#PRIMARY_ERROR}}zone-primary-error {{/PRIMARY_ERROR}}zone-primary-help"{{#PRIMARY_ERROR}} aria-invalid="true"{{/PRIMARY_ERROR}}>
{{#PRIMARY_ERROR}}<p id="zone-primary-error" class="bmx-error">{{PRIMARY_ERROR}}</p>{{/PRIMARY_ERROR}}
<p id="zone-primary-help" class="bmx-help">Fully qualified with its terminating dot. Empty: keep the mail server the zone already has.</p>
</div>{{/NO_PROXY}}
{{#PROXY}}{{#PRIMARY_ERROR}}<p class="bmx-error">{{PRIMARY_ERROR}}</p>{{/PRIMARY_ERROR}}{{/PROXY}}
<fieldset class="bmx-fieldset">
<legend>Backup servers</legend>
<label class="bmx-choice"><input type="radio" name="servers" value="all"{{#ALL}} checked{{/ALL}}> All of them: {{#BACKUP}}MX {{PREF}} <code>{{HOST}}</code> {{/BACKUP}}</label>
<label class="bmx-choice"><input type="radio" name="servers" value="one"{{#ONE}} checked{{/ONE}}> One backup server: MX 20 <code>{{FIRST}}</code></label>
</fieldset>
<div class="bmx-buttons"><button type="submit">Add BackupMX entries</button></div>
</form>
</section>
