{{%AUTOESCAPE context="HTML"}}
{{! A zone's first tab: what the SOA and NS records say, the MailProxy
    host, the download of the master file.  External domains: only the
    MailProxy host and the DNS check. }}
<section class="bmx bmx-narrow" aria-labelledby="zone-title">
<p class="bmx-back"><a href="/zones">All zones</a></p>
<h1 id="zone-title">{{IDN}}</h1>
{{#ALABEL}}<p class="bmx-alabel bmx-sub">{{DOMAIN}}</p>{{/ALABEL}}
<nav class="zone-tabs" aria-label="Zone">
<a href="/zones/{{DOMAIN}}" aria-current="page">Zone</a>
{{#MANAGED}}<a href="/zones/{{DOMAIN}}/records">Additional Nameserver Entries</a>{{/MANAGED}}
<a href="/zones/{{DOMAIN}}/check">DNS check</a>
</nav>
{{#NOTICE}}<p class="bmx-notice" role="status">{{NOTICE}}</p>{{/NOTICE}}
{{#MANAGED}}
<dl class="bmx-info">
{{#OWNER}}<dt>Owner</dt><dd>{{OWNER}}</dd>{{/OWNER}}
<dt>Name servers (NS; the first is named in the SOA)</dt><dd>{{#NS}}<code>{{NS}}.</code> {{/NS}}</dd>
<dt>Hostmaster</dt><dd><code>{{HOSTMASTER}}</code></dd>
<dt>SOA serial</dt><dd><span class="zone-serial">{{SERIAL}}</span> (raised on every change)</dd>
<dt>Records</dt><dd>{{NREC}} additional entries</dd>
<dt>BackupMX</dt><dd>{{#BMX_ON}}active: our MX records are added to the zone{{/BMX_ON}}{{#BMX_OFF}}not active{{/BMX_OFF}}</dd>
</dl>
<p><a class="zone-export" href="/zones/{{DOMAIN}}/export" download>Download the zone file</a> (RFC 1035 master file)</p>
{{/MANAGED}}
{{#EXTERNAL}}
<p>The DNS of this domain is hosted elsewhere: enter the MX records for BackupMX at your DNS provider. <a href="/zones/{{DOMAIN}}/check">Check them now</a>.</p>
{{/EXTERNAL}}
<h2>MailProxy</h2>
<p class="bmx-help">{{#PROXY_ON}}MailProxy is used for this domain: <code>{{PROXY}}.</code> takes the place of your mail server in the MX records.{{/PROXY_ON}}</p>
<form class="bmx-form" method="post" action="/zones/{{DOMAIN}}/mailproxy" novalidate>
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="field{{#PROXY_ERROR}} bmx-invalid{{/PROXY_ERROR}}">
<label for="zone-proxy">MailProxy host</label>
<input id="zone-proxy" name="mailproxy" type="text" value="{{MAILPROXY}}" maxlength="254" autocapitalize="none" spellcheck="false"
 aria-describedby="{{#PROXY_ERROR}}zone-proxy-error {{/PROXY_ERROR}}zone-proxy-help"{{#PROXY_ERROR}} aria-invalid="true"{{/PROXY_ERROR}}>
{{#PROXY_ERROR}}<p id="zone-proxy-error" class="bmx-error">{{PROXY_ERROR}}</p>{{/PROXY_ERROR}}
<p id="zone-proxy-help" class="bmx-help">Empty when the domain does not use MailProxy.</p>
</div>
<div class="bmx-buttons"><button type="submit">Save MailProxy</button></div>
</form>
</section>
