{{%AUTOESCAPE context="HTML"}}
{{! The last step before an order: what will happen, per line; the order }}
{{! completes only with "I confirm the order" ticked. }}
<section class="shop" aria-labelledby="review-title">
<h1 id="review-title">Review your order</h1>
{{#EMPTY}}<p class="shop-empty">Your cart is empty. <a href="/cart">Add a domain</a> first.</p>
{{#CONFIRM_ERROR}}<p class="field-error" role="alert">{{CONFIRM_ERROR}}</p>{{/CONFIRM_ERROR}}{{/EMPTY}}
{{#LINES}}
<form method="post" action="/cart/complete" novalidate>
<input type="hidden" name="csrf" value="{{CSRF}}">
<div class="shop-scroll">
<table class="shop-table">
<caption>Completing the order will</caption>
<thead>
<tr><th scope="col">Domain</th><th scope="col">What happens</th><th scope="col">DNS</th></tr>
</thead>
<tbody>
{{#LINE}}<tr{{#LINE_ERROR}} class="invalid"{{/LINE_ERROR}}>
<th scope="row">{{NAME}}{{#ALABEL}} <span class="alabel">({{ALABEL}})</span>{{/ALABEL}}</th>
<td>
<ul class="shop-steps">
{{#NEW}}<li>add the domain to your portfolio</li>
{{#OFF}}<li>without BackupMX (you can activate it later from the portfolio)</li>{{/OFF}}{{/NEW}}
{{#ON}}<li>activate BackupMX: the backup servers accept mail for the domain right after the order</li>{{/ON}}
{{#NOCHANGE}}<li>nothing: BackupMX is switched off for this line</li>{{/NOCHANGE}}
</ul>
{{#LINE_ERROR}}<p class="field-error" id="line-{{ID}}-error" role="alert">{{LINE_ERROR}}</p>{{/LINE_ERROR}}
</td>
<td>{{#NEW}}<label class="shop-check"><input type="checkbox" name="external" value="{{ID}}"{{#EXTERNAL}} checked{{/EXTERNAL}}> DNS hosted elsewhere</label>{{/NEW}}{{#SERVICE}}as in your portfolio{{/SERVICE}}</td>
</tr>
{{/LINE}}</tbody>
</table>
</div>
<div class="field{{#CONFIRM_ERROR}} invalid{{/CONFIRM_ERROR}}">
<label class="shop-check"><input type="checkbox" name="confirm" value="yes"{{#CONFIRMED}} checked{{/CONFIRMED}}{{#CONFIRM_ERROR}} aria-invalid="true" aria-describedby="confirm-error"{{/CONFIRM_ERROR}}> I confirm the order</label>
{{#CONFIRM_ERROR}}<p class="field-error" id="confirm-error" role="alert">{{CONFIRM_ERROR}}</p>{{/CONFIRM_ERROR}}
</div>
<p class="shop-actions"><button type="submit" class="shop-wide">Complete order</button> <a href="/cart">Back to the cart</a></p>
</form>
{{/LINES}}
</section>
