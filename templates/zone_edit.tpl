{{%AUTOESCAPE context="HTML"}}
{{! Edit one record of a zone. }}
<section class="bmx bmx-narrow" aria-labelledby="zone-edit-title">
<p class="bmx-back"><a href="/zones/{{DOMAIN}}/records">Additional Nameserver Entries of {{IDN}}</a></p>
<h1 id="zone-edit-title">Edit record</h1>
{{#PROVISIONED}}<p class="bmx-help">BackupMX added this record; it goes when BackupMX is deactivated, unless you point it at another host.</p>{{/PROVISIONED}}
{{>FORM}}
<p><a class="bmx-danger-link" href="/zones/{{DOMAIN}}/records/{{ID}}/delete">Delete this record</a></p>
</section>
