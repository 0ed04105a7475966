{{%AUTOESCAPE context="HTML"}}
{{! The live DNS check: the MX records DNS gives for the domain, and
    what is right or missing for BackupMX. }}
<section class="bmx bmx-narrow" aria-labelledby="zone-check-title">
<p class="bmx-back"><a href="/zones">All zones</a></p>
<h1 id="zone-check-title">DNS check: {{IDN}}</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
<nav class="zone-tabs" aria-label="Zone">
<a href="/zones/{{DOMAIN}}">Zone</a>
{{#MANAGED}}<a href="/zones/{{DOMAIN}}/records">Additional Nameserver Entries</a>{{/MANAGED}}
<a href="/zones/{{DOMAIN}}/check" aria-current="page">DNS check</a>
</nav>
{{#LOOKUP_ERROR}}<p class="bmx-error" role="alert">The MX records could not be looked up: {{WHY}}</p>{{/LOOKUP_ERROR}}
{{#LOOKED_UP}}
<h2>MX records in DNS now</h2>
<table class="bmx-table zone-live">
<thead><tr><th scope="col">Preference</th><th scope="col">Host</th><th scope="col">Is</th></tr></thead>
<tbody>
{{#MX}}<tr><td class="bmx-num">{{PREF}}</td><td><code>{{HOST}}.</code></td><td>{{ROLE}}</td></tr>
{{/MX}}</tbody>
</table>
<h2>Findings</h2>
<ul class="zone-findings">
{{#FINDING}}<li class="zone-{{CLASS}}"><strong>{{LEVEL}}:</strong> {{TEXT}}</li>
{{/FINDING}}</ul>
{{/LOOKED_UP}}
</section>
