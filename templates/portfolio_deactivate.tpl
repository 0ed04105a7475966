{{%AUTOESCAPE context="HTML"}}
{{! Confirmation before BackupMX is deactivated for a domain. }}
<section class="shop" aria-labelledby="deactivate-title">
<p class="shop-crumbs"><a href="/portfolio">Portfolio</a> › <a href="/portfolio/{{HREF}}">{{NAME}}</a></p>
<h1 id="deactivate-title">Deactivate BackupMX for {{NAME}}{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}?</h1>
<p>From then on the backup servers refuse new mail for this domain. Remove their MX records from the domain's zone as well, so that senders stop trying them.</p>
<p>Mail already queued for it is still delivered to the primary mail server: {{QUEUED}} {{#ONE}}message is{{/ONE}}{{#MANY}}messages are{{/MANY}} in the queue now.</p>
<form method="post" action="/portfolio/{{HREF}}/deactivate">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="confirm" value="yes">
{{#CONFIRM_ERROR}}<p class="field-error" role="alert">{{CONFIRM_ERROR}}</p>{{/CONFIRM_ERROR}}
<p class="shop-actions"><button type="submit" class="shop-wide shop-danger">Deactivate BackupMX</button> <a href="/portfolio/{{HREF}}">Cancel</a></p>
</form>
</section>
