{{%AUTOESCAPE context="HTML"}}
{{! Zone Management: the zones of the user's portfolio domains (an admin's:
    everyone's).  Managed zones open their tabs; external domains (DNS
    hosted elsewhere) have the DNS check. }}
<section class="bmx" aria-labelledby="zones-title">
<div class="bmx-head">
<h1 id="zones-title">Zone Management</h1>
</div>
<p class="bmx-help">The zones we serve for the domains of your portfolio. Open a zone to edit its Additional Nameserver Entries (MX, A, AAAA, CNAME, TXT) or to add the BackupMX MX records in one step.</p>
{{#NO_ZONES}}<p class="bmx-summary">No zones are managed here yet: a domain ordered through the cart gets its zone here, unless its DNS is hosted elsewhere.</p>{{/NO_ZONES}}
{{#TABLE}}
<div class="bmx-scroll">
<table class="bmx-table zone-list">
<thead><tr><th scope="col">Zone</th>{{#OWNER_HEAD}}<th scope="col">Owner</th>{{/OWNER_HEAD}}<th scope="col">Records</th><th scope="col">SOA serial</th><th scope="col">BackupMX</th></tr></thead>
<tbody>
{{#ROW}}<tr>
<td data-label="Zone"><a class="zone-name" href="/zones/{{DOMAIN}}">{{IDN}}</a>{{#ALABEL}}<span class="bmx-alabel">{{DOMAIN}}</span>{{/ALABEL}}</td>
{{#OWNER_COL}}<td data-label="Owner">{{OWNER}}</td>{{/OWNER_COL}}
<td data-label="Records" class="bmx-num"><a href="/zones/{{DOMAIN}}/records">{{NREC}}</a></td>
<td data-label="SOA serial" class="bmx-num">{{SERIAL}}</td>
<td data-label="BackupMX">{{#BMX_ON}}active{{/BMX_ON}}{{#BMX_OFF}}<span class="bmx-muted">not active</span>{{/BMX_OFF}}</td>
</tr>
{{/ROW}}</tbody>
</table>
</div>
{{/TABLE}}
{{#EXT_TABLE}}
<h2>External domains</h2>
<p class="bmx-help">Their DNS is hosted elsewhere: set the MX records there. The DNS check shows whether they are right.</p>
<div class="bmx-scroll">
<table class="bmx-table zone-ext">
<thead><tr><th scope="col">Domain</th>{{#OWNER_HEAD}}<th scope="col">Owner</th>{{/OWNER_HEAD}}<th scope="col">BackupMX</th><th scope="col"><span class="bmx-sr">Actions</span></th></tr></thead>
<tbody>
{{#ROW}}<tr>
<td data-label="Domain"><a class="zone-name" href="/zones/{{DOMAIN}}">{{IDN}}</a>{{#ALABEL}}<span class="bmx-alabel">{{DOMAIN}}</span>{{/ALABEL}}</td>
{{#OWNER_COL}}<td data-label="Owner">{{OWNER}}</td>{{/OWNER_COL}}
<td data-label="BackupMX">{{#BMX_ON}}active{{/BMX_ON}}{{#BMX_OFF}}<span class="bmx-muted">not active</span>{{/BMX_OFF}}</td>
<td><a href="/zones/{{DOMAIN}}/check">DNS check</a></td>
</tr>
{{/ROW}}</tbody>
</table>
</div>
{{/EXT_TABLE}}
</section>
