{{%AUTOESCAPE context="HTML"}}
{{! One record's fields, for adding and for editing. }}
{{#HAS_ERRORS}}<p class="bmx-error" role="alert">The record was not saved: please correct the fields marked below.</p>{{/HAS_ERRORS}}
{{#FORM_ERROR}}<p class="bmx-error zone-form-error" role="alert">{{FORM_ERROR}}</p>{{/FORM_ERROR}}
<form class="bmx-form zone-form" method="post" action="{{ACTION}}" novalidate>
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="field{{#NAME_ERROR}} bmx-invalid{{/NAME_ERROR}}">
<label for="zone-name">Name</label>
<input id="zone-name" name="name" type="text" value="{{NAME}}" maxlength="254" autocapitalize="none" spellcheck="false" placeholder="@"
 aria-describedby="{{#NAME_ERROR}}zone-name-error {{/NAME_ERROR}}zone-name-help"{{#NAME_ERROR}} aria-invalid="true"{{/NAME_ERROR}}>
{{#NAME_ERROR}}<p id="zone-name-error" class="bmx-error">{{NAME_ERROR}}</p>{{/NAME_ERROR}}
<p id="zone-name-help" class="bmx-help"><code>@</code> (or empty) for {{DOMAIN}} itself, else the part before it: <code>www</code>, <code>_dmarc</code>.</p>
</div>
<div class="field{{#TYPE_ERROR}} bmx-invalid{{/TYPE_ERROR}}">
<label for="zone-type">Type</label>
<select id="zone-type" name="type"{{#TYPE_ERROR}} aria-invalid="true" aria-describedby="zone-type-error"{{/TYPE_ERROR}}>
{{#TYPE}}<option value="{{T}}"{{#SELECTED}} selected{{/SELECTED}}>{{T}}</option>
{{/TYPE}}</select>
{{#TYPE_ERROR}}<p id="zone-type-error" class="bmx-error">{{TYPE_ERROR}}</p>{{/TYPE_ERROR}}
</div>
<div class="field{{#TTL_ERROR}} bmx-invalid{{/TTL_ERROR}}">
<label for="zone-ttl">TTL (seconds)</label>
<input id="zone-ttl" name="ttl" type="text" inputmode="numeric" value="{{TTL}}" maxlength="10"
 aria-describedby="{{#TTL_ERROR}}zone-ttl-error {{/TTL_ERROR}}zone-ttl-help"{{#TTL_ERROR}} aria-invalid="true"{{/TTL_ERROR}}>
{{#TTL_ERROR}}<p id="zone-ttl-error" class="bmx-error">{{TTL_ERROR}}</p>{{/TTL_ERROR}}
<p id="zone-ttl-help" class="bmx-help">60 to 604800; empty for 3600.</p>
</div>
<div class="field{{#PREF_ERROR}} bmx-invalid{{/PREF_ERROR}}">
<label for="zone-pref">Preference (MX only)</label>
<input id="zone-pref" name="pref" type="text" inputmode="numeric" value="{{PREF}}" maxlength="5"
 aria-describedby="{{#PREF_ERROR}}zone-pref-error {{/PREF_ERROR}}zone-pref-help"{{#PREF_ERROR}} aria-invalid="true"{{/PREF_ERROR}}>
{{#PREF_ERROR}}<p id="zone-pref-error" class="bmx-error">{{PREF_ERROR}}</p>{{/PREF_ERROR}}
<p id="zone-pref-help" class="bmx-help">0 to 65535; lower is tried first. Your mail server 10, BackupMX 20, 30, 40.</p>
</div>
<div class="field{{#VALUE_ERROR}} bmx-invalid{{/VALUE_ERROR}}">
<label for="zone-value">Value</label>
<input id="zone-value" name="value" type="text" value="{{VALUE}}" maxlength="2048" autocapitalize="none" spellcheck="false"
 aria-describedby="{{#VALUE_ERROR}}zone-value-error {{/VALUE_ERROR}}zone-value-help"{{#VALUE_ERROR}} aria-invalid="true"{{/VALUE_ERROR}}>
{{#VALUE_ERROR}}<p id="zone-value-error" class="bmx-error">{{VALUE_ERROR}}</p>{{/VALUE_ERROR}}
<p id="zone-value-help" class="bmx-help">MX and CNAME: a host fully qualified with its terminating dot, <code>mailserver.example.de.</code> A: an IPv4 address. AAAA: an IPv6 address. TXT: the text.</p>
</div>
<div class="bmx-buttons"><button type="submit">Save record</button></div>
</form>
