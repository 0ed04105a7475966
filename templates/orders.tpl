{{%AUTOESCAPE context="HTML"}}
{{! Order history, newest first; admins see everyone's with the owner. }}
<section class="shop" aria-labelledby="orders-title">
<h1 id="orders-title">Orders</h1>
{{#NONE}}<p class="shop-empty">No orders yet. <a href="/cart">Go to the cart</a>.</p>{{/NONE}}
{{#ORDERS}}
<div class="shop-scroll">
<table class="shop-table">
<caption>Order history</caption>
<thead>
<tr><th scope="col">Order</th>{{#ADMIN}}<th scope="col">Customer</th>{{/ADMIN}}<th scope="col">Date</th><th scope="col">Status</th><th scope="col" class="num">Lines</th></tr>
</thead>
<tbody>
{{#ORDER}}<tr>
<th scope="row"><a href="/orders/{{ID}}">#{{ID}}</a></th>
{{#ADMIN}}<td>{{OWNER}}</td>{{/ADMIN}}<td>{{CREATED}}</td>
<td><span class="shop-status">{{STATUS}}</span>{{#OPEN}} · <a href="/cart">cart</a>{{/OPEN}}</td>
<td class="num">{{LINES}}</td>
</tr>
{{/ORDER}}</tbody>
</table>
</div>
{{/ORDERS}}
<p class="shop-more"><a href="/cart">Cart</a> · <a href="/portfolio">Portfolio</a></p>
</section>
