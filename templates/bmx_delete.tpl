{{%AUTOESCAPE context="HTML"}}
{{! Confirmation before a BackupMX entry is deleted (POST does it). }}
<section class="bmx bmx-narrow bmx-confirm" aria-labelledby="bmx-del-title">
<p class="bmx-back"><a href="/backupmx/{{DOMAIN}}">Back to {{IDN}}</a></p>
<h1 id="bmx-del-title">Delete BackupMX for {{IDN}}?</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
<p>From then on our relay refuses new mail for {{IDN}} (<code>550 5.7.1</code>): while your primary mail server is down, senders keep the mail and retry on their own.</p>
{{#QUEUED_SOME}}<p class="bmx-notice">{{QUEUED}} message{{QUEUED_S}} already queued for {{IDN}} will still be delivered (to the domain's MX records).</p>{{/QUEUED_SOME}}
{{#QUEUED_NONE}}<p>No mail is queued for it right now; mail already queued would still be delivered.</p>{{/QUEUED_NONE}}
<p>Remember to remove our MX records from the domain's zone.</p>
<form method="post" action="/backupmx/{{DOMAIN}}/delete" class="bmx-buttons">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<button type="submit" class="bmx-danger">Delete BackupMX</button>
<a href="/backupmx/{{DOMAIN}}">Cancel</a>
</form>
</section>
