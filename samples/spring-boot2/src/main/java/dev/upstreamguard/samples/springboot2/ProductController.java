package dev.upstreamguard.samples.springboot2;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * The product endpoints. No error handling: an upstream failure escapes as the client's own exception
 * and the Upstream Guard filter answers it (502 or 504 problem+json); anything else is Spring's.
 */
@RestController
class ProductController {
    private final RestTemplate inventory;
    private final RestTemplate pricing;

    ProductController(
            @Qualifier("inventoryClient") RestTemplate inventory, @Qualifier("pricingClient") RestTemplate pricing) {
        this.inventory = inventory;
        this.pricing = pricing;
    }

    @GetMapping("/products/{sku}/stock")
    String stock(@PathVariable String sku) {
        return inventory.getForObject("/stock/{sku}", String.class, sku);
    }

    @GetMapping("/products/{sku}/price")
    String price(@PathVariable String sku) {
        return pricing.getForObject("/price/{sku}", String.class, sku);
    }

    /** A bug of the application's own, no upstream involved: Spring Boot's error handling answers it (500). */
    @GetMapping("/products/{sku}/reviews")
    String reviews(@PathVariable String sku) {
        throw new IllegalStateException("reviews are not implemented for " + sku);
    }
}
