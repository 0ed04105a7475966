{{%AUTOESCAPE context="HTML"}}
{{! The "Additional Nameserver Entries" tab of a managed zone: its records
    with edit and delete links, what the MX records look like for
    BackupMX, "Add BackupMX entries", and the form for a new record. }}
<section class="bmx" aria-labelledby="zone-title">
<p class="bmx-back"><a href="/zones">All zones</a></p>
<h1 id="zone-title">{{IDN}}</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
<nav class="zone-tabs" aria-label="Zone">
<a href="/zones/{{DOMAIN}}">Zone</a>
<a href="/zones/{{DOMAIN}}/records" aria-current="page">Additional Nameserver Entries</a>
<a href="/zones/{{DOMAIN}}/check">DNS check</a>
</nav>
{{#NOTICE}}<p class="bmx-notice" role="status">{{NOTICE}}</p>{{/NOTICE}}
<div class="bmx-head">
<h2 id="entries-title">Additional Nameserver Entries</h2>
<a class="bmx-add" href="#zone-new"><span aria-hidden="true">+</span> New entry</a>
</div>
{{#NO_RECORDS}}<p class="bmx-summary">No entries yet.</p>{{/NO_RECORDS}}
<div class="bmx-scroll">
<table class="bmx-table zone-records" aria-labelledby="entries-title">
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">TTL</th><th scope="col">Preference</th><th scope="col">Value</th><th scope="col"><span class="bmx-sr">Actions</span></th></tr></thead>
<tbody>
{{#REC}}<tr class="zone-rec">
<td data-label="Name"><code>{{NAME}}</code></td>
<td data-label="Type">{{TYPE}}</td>
<td data-label="TTL" class="bmx-num">{{TTL}}</td>
<td data-label="Preference" class="bmx-num zone-pref">{{#PREF}}{{PREF}}{{/PREF}}</td>
<td data-label="Value"><code class="zone-value">{{VALUE}}</code>{{#PROVISIONED}} <span class="bmx-tag">BackupMX</span>{{/PROVISIONED}}</td>
<td class="bmx-actions"><a href="/zones/{{DOMAIN}}/records/{{ID}}">Edit</a> <a class="bmx-danger-link" href="/zones/{{DOMAIN}}/records/{{ID}}/delete">Delete</a></td>
</tr>
{{/REC}}</tbody>
</table>
</div>
<h2>MX records for BackupMX</h2>
<ul class="zone-findings">
{{#FINDING}}<li class="zone-{{CLASS}}"><strong>{{LEVEL}}:</strong> {{TEXT}}</li>
{{/FINDING}}</ul>
<form class="zone-bmx" method="post" action="/zones/{{DOMAIN}}/backupmx">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<input type="hidden" name="servers" value="all">
<button type="submit" id="zone-add-bmx">Add BackupMX entries</button>
<a href="/zones/{{DOMAIN}}/backupmx">Choose the mail server or a single backup server</a>
</form>
<p class="bmx-help">Your mail server at MX 10 (MailProxy in its place when you use it), our backup servers at 20, 30 and 40.</p>
<h2 id="zone-new">New entry</h2>
{{>FORM}}
<p><a href="/zones/{{DOMAIN}}/export" download>Download the zone file</a></p>
</section>
