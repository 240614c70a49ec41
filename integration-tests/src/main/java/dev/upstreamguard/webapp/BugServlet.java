package dev.upstreamguard.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The application's own bug, with no upstream call: must stay the container's 500. */
public class BugServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String missing = request.getParameter("no-such-parameter");
        response.getWriter().write(missing.trim()); // NullPointerException
    }
}
