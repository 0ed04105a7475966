{{%AUTOESCAPE context="HTML"}}
{{! One portfolio domain and its Services: activate BackupMX (through the }}
{{! cart) or deactivate it (through a confirmation page). }}
<section class="shop" aria-labelledby="domain-title">
<p class="shop-crumbs"><a href="/portfolio">Portfolio</a> › Domains</p>
<h1 id="domain-title">{{NAME}}{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}</h1>
<dl class="shop-facts">
{{#ADMIN}}<dt>Customer</dt><dd>{{OWNER}}</dd>{{/ADMIN}}
<dt>Created</dt><dd>{{CREATED}}</dd>
<dt>Zone</dt><dd>{{#MANAGED}}managed here: <a href="/zones/{{HREF}}">Zone Management</a>{{/MANAGED}}{{#EXTERNAL}}external (DNS hosted elsewhere): <a href="/zones/{{HREF}}/check">DNS check</a>{{/EXTERNAL}}</dd>
</dl>
<h2 id="services">Services</h2>
<div class="shop-service">
<h3>BackupMX</h3>
{{#BMX_ACTIVE}}<p><span class="shop-badge shop-on">active</span> since {{BMX_CREATED}}. The backup servers accept mail for this domain while its primary mail server is down and deliver it once the primary is back.</p>
<p><a class="shop-button shop-danger" href="/portfolio/{{HREF}}/deactivate">Deactivate</a></p>{{/BMX_ACTIVE}}
{{#BMX_OFF}}<p><span class="shop-badge shop-off">paused</span> The BackupMX record exists (since {{BMX_CREATED}}) but is switched off.</p>
<p><a class="shop-button shop-danger" href="/portfolio/{{HREF}}/deactivate">Deactivate</a></p>{{/BMX_OFF}}
{{#BMX_NONE}}<p><span class="shop-badge shop-off">not active</span> Mail for this domain has no backup while its primary mail server is down.</p>
{{#IN_CART}}<p>Activation is in your cart: <a href="/cart">complete the order</a>.</p>{{/IN_CART}}
<form method="post" action="/portfolio/{{HREF}}/activate">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="shop-wide">Activate BackupMX</button>
</form>
<p class="hint">Activation goes through the cart: review and complete the order there.</p>{{/BMX_NONE}}
</div>
</section>
