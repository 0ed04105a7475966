{{%AUTOESCAPE context="HTML"}}
{{! The portfolio: the caller's domains (admins: everyone's, with owner). }}
<section class="shop" aria-labelledby="portfolio-title">
<h1 id="portfolio-title">Portfolio</h1>
{{#NONE}}<p class="shop-empty">No domains yet. <a href="/cart">Order one through the cart</a>.</p>{{/NONE}}
{{#DOMAINS}}
<div class="shop-scroll">
<table class="shop-table">
<caption>Domains</caption>
<thead>
<tr><th scope="col">Domain</th>{{#ADMIN}}<th scope="col">Customer</th>{{/ADMIN}}<th scope="col">Created</th><th scope="col">Zone</th><th scope="col">BackupMX</th></tr>
</thead>
<tbody>
{{#DOMAIN}}<tr>
<th scope="row"><a href="/portfolio/{{HREF}}">{{NAME}}</a>{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}</th>
{{#ADMIN}}<td>{{OWNER}}</td>{{/ADMIN}}<td>{{CREATED}}</td>
<td>{{#MANAGED}}managed{{/MANAGED}}{{#EXTERNAL}}external{{/EXTERNAL}}</td>
<td>{{#BMX_ACTIVE}}<span class="shop-badge shop-on">active</span>{{/BMX_ACTIVE}}{{#BMX_OFF}}<span class="shop-badge shop-off">paused</span>{{/BMX_OFF}}{{#BMX_NONE}}<span class="shop-badge shop-off">not active</span>{{#IN_CART}} · <a href="/cart">in the cart</a>{{/IN_CART}}{{/BMX_NONE}}</td>
</tr>
{{/DOMAIN}}</tbody>
</table>
</div>
{{/DOMAINS}}
<p class="shop-more"><a href="/cart">Add a domain through the cart</a> · <a href="/orders">Order history</a></p>
</section>
