{{%AUTOESCAPE context="HTML"}}
{{! The cart: add a domain, switch the optional BackupMX service per line, }}
{{! remove lines, then review.  Every button is its own small POST form. }}
<section class="shop" aria-labelledby="cart-title">
<h1 id="cart-title">Cart</h1>
<form class="shop-add" method="post" action="/cart/add" novalidate>
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="field{{#DOMAIN_ERROR}} invalid{{/DOMAIN_ERROR}}">
<label for="cart-domain">Domain</label>
<p class="hint" id="cart-domain-hint">A new domain, or one from your portfolio to activate BackupMX for it. International names such as bücher.example are welcome.</p>
<div class="shop-add-row">
<input id="cart-domain" name="domain" type="text" value="{{DOMAIN}}" required
 autocapitalize="none" autocomplete="off" spellcheck="false"
 aria-describedby="cart-domain-hint{{#DOMAIN_ERROR}} cart-domain-error{{/DOMAIN_ERROR}}"{{#DOMAIN_ERROR}} aria-invalid="true"{{/DOMAIN_ERROR}}>
<button type="submit">Add to cart</button>
</div>
{{#DOMAIN_ERROR}}<p class="field-error" id="cart-domain-error">{{DOMAIN_ERROR}}</p>{{/DOMAIN_ERROR}}
</div>
</form>
{{#EMPTY}}<p class="shop-empty">Your cart is empty.</p>{{/EMPTY}}
{{#LINES}}
<div class="shop-scroll">
<table class="shop-table">
<caption>In your cart</caption>
<thead>
<tr><th scope="col">Domain</th><th scope="col">Order</th><th scope="col">BackupMX (optional service)</th><th scope="col"><span class="shop-sr">Remove</span></th></tr>
</thead>
<tbody>
{{#LINE}}<tr>
<th scope="row">{{NAME}}{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}</th>
<td>{{#NEW}}New domain{{/NEW}}{{#SERVICE}}Service for a portfolio domain{{/SERVICE}}</td>
<td>
<form class="shop-inline" method="post" action="/cart/backupmx">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="line" value="{{ID}}">
{{#ON}}<span class="shop-badge shop-on">On</span>
<input type="hidden" name="backupmx" value="off">
<button type="submit" class="shop-small shop-quiet" aria-label="Switch BackupMX off for {{NAME}}">Switch off</button>{{/ON}}
{{#OFF}}<span class="shop-badge shop-off">Off</span>
<input type="hidden" name="backupmx" value="on">
<button type="submit" class="shop-small" aria-label="Switch BackupMX on for {{NAME}}">Switch on</button>{{/OFF}}
</form>
</td>
<td>
<form class="shop-inline" method="post" action="/cart/remove">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="line" value="{{ID}}">
<button type="submit" class="shop-small shop-danger" aria-label="Remove {{NAME}} from the cart">Remove</button>
</form>
</td>
</tr>
{{/LINE}}</tbody>
</table>
</div>
<p class="shop-actions"><a class="shop-button" href="/cart/review">Review order</a></p>
{{/LINES}}
<p class="shop-more"><a href="/orders">Order history</a> · <a href="/portfolio">Portfolio</a></p>
</section>
