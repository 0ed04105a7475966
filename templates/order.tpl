{{%AUTOESCAPE context="HTML"}}
{{! One order: its lines with action, the BackupMX switch and status. }}
<section class="shop" aria-labelledby="order-title">
<h1 id="order-title">Order #{{ID}}</h1>
<dl class="shop-facts">
<dt>Customer</dt><dd>{{OWNER}}</dd>
<dt>Created</dt><dd>{{CREATED}}</dd>
<dt>Status</dt><dd><span class="shop-status">{{STATUS}}</span>{{#OPEN}} · <a href="/cart">open the cart</a>{{/OPEN}}</dd>
<dt>Completed</dt><dd>{{COMPLETED}}</dd>
</dl>
{{#EMPTY}}<p class="shop-empty">This order has no lines.</p>{{/EMPTY}}
{{#LINES}}
<div class="shop-scroll">
<table class="shop-table">
<caption>Lines</caption>
<thead>
<tr><th scope="col">Domain</th><th scope="col">Action</th><th scope="col">BackupMX</th><th scope="col">Status</th></tr>
</thead>
<tbody>
{{#LINE}}<tr>
<th scope="row"><a href="/portfolio/{{HREF}}">{{NAME}}</a>{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}</th>
<td>{{#NEW}}new domain{{/NEW}}{{#SERVICE}}service for a portfolio domain{{/SERVICE}}</td>
<td>{{#ON}}<span class="shop-badge shop-on">on</span>{{/ON}}{{#OFF}}<span class="shop-badge shop-off">off</span>{{/OFF}}</td>
<td>{{STATUS}}</td>
</tr>
{{/LINE}}</tbody>
</table>
</div>
{{/LINES}}
<p class="shop-more"><a href="/orders">All orders</a> · <a href="/portfolio">Portfolio</a></p>
</section>
