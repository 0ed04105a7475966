{{%AUTOESCAPE context="HTML"}}
{{! Confirm deleting one record. }}
<section class="bmx bmx-narrow" aria-labelledby="zone-del-title">
<p class="bmx-back"><a href="/zones/{{DOMAIN}}/records">Additional Nameserver Entries of {{IDN}}</a></p>
<h1 id="zone-del-title">Delete record</h1>
{{#REC}}<p>Delete <code>{{NAME}} {{TTL}} IN {{TYPE}} {{#PREF}}{{PREF}} {{/PREF}}{{VALUE}}</code> from the zone {{IDN}}?</p>
<form method="post" action="/zones/{{DOMAIN}}/records/{{ID}}/delete">
<input type="hidden" name="{{CSRF_FIELD}}" value="{{CSRF}}">
<div class="bmx-buttons"><button type="submit" class="bmx-danger">Delete record</button> <a href="/zones/{{DOMAIN}}/records">Cancel</a></div>
</form>{{/REC}}
</section>
