package dev.upstreamguard.webapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionException;

/**
 * Starts {@link java.net.http.HttpClient#sendAsync} on the request thread, puts the request in async mode,
 * and hands the outcome back with {@link AsyncContext#dispatch()}, where a failure is rethrown: the way
 * Spring MVC hands back a failed {@code DeferredResult}.
 */
public class HttpClientAsyncServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String OUTCOME = HttpClientAsyncServlet.class.getName() + ".outcome";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            answer(request.getAttribute(OUTCOME), response);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(30_000);
        HttpClientServlet.CLIENT
                .sendAsync(
                        HttpRequest.newBuilder(UpstreamTarget.of(request)).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .whenComplete((answer, failure) -> {
                    request.setAttribute(OUTCOME, failure != null ? failure : answer);
                    async.dispatch();
                });
    }

    private static void answer(Object outcome, HttpServletResponse response) throws IOException, ServletException {
        Throwable failure = outcome instanceof Throwable ? (Throwable) outcome : null;
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof IOException) {
            throw (IOException) failure;
        } else if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        } else if (failure != null) {
            throw new ServletException(failure);
        }
        HttpResponse<?> answer = (HttpResponse<?>) outcome;
        if (answer.statusCode() >= 500) {
            throw new UpstreamStatusException(answer.statusCode());
        }
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write("upstream answered " + answer.statusCode() + ": " + answer.body());
    }
}
