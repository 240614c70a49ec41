package dev.upstreamguard.agent.instrumentation.jdkhttpclient;

import dev.upstreamguard.bootstrap.Bridge;
import dev.upstreamguard.bootstrap.CallResult;
import dev.upstreamguard.bootstrap.HttpClientHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Advice inlined into the JDK's HTTP client classes. It may only use JDK types and the bridge; each
 * method is a few lines that hand over to the hooks.
 */
public final class HttpClientAdvice {

    private HttpClientAdvice() {}

    /** {@code HttpClientFacade.send}: the engine runs the attempts; the original body is skipped. */
    public static final class Send {
        private Send() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static CallResult enter(
                @Advice.This Object client, @Advice.Argument(0) Object request, @Advice.Argument(1) Object handler) {
            HttpClientHooks hooks = Bridge.httpClient();
            return hooks == null ? null : hooks.send(client, request, handler);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallResult result,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (result != null) {
                response = result.value();
                thrown = result.error();
            }
        }
    }

    /** {@code HttpClientFacade.sendAsync} (both overloads): the engine returns its own future. */
    public static final class SendAsync {
        private SendAsync() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static Object enter(@Advice.This Object client, @Advice.AllArguments Object[] args) {
            HttpClientHooks hooks = Bridge.httpClient();
            if (hooks == null) {
                return null;
            }
            return hooks.sendAsync(client, args[0], args[1], args.length > 2 ? args[2] : null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter Object future,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (future != null) {
                returned = future;
                thrown = null;
            }
        }
    }

    /**
     * {@code HttpClientImpl.sendAsync(request, handler, pushPromiseHandler, executor)}, private, which
     * the JDK's {@code send} calls before it waits: hands the future to a sync attempt's deadline.
     */
    public static final class InnerSendAsync {
        private InnerSendAsync() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object future) {
            if (future != null) {
                HttpClientHooks hooks = Bridge.httpClient();
                if (hooks != null) {
                    hooks.exchangeStarted(future);
                }
            }
        }
    }

    /** {@code HttpClientBuilderImpl.build}: bound the connect timeout; recognise the agent's own clients. */
    public static final class Build {
        private Build() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(
                @Advice.FieldValue(value = "connectTimeout", readOnly = false, typing = Assigner.Typing.DYNAMIC)
                        Object connectTimeout) {
            HttpClientHooks hooks = Bridge.httpClient();
            if (hooks != null) {
                Object bounded = hooks.connectTimeout(connectTimeout);
                if (bounded != null) {
                    connectTimeout = bounded;
                }
            }
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object client) {
            HttpClientHooks hooks = Bridge.httpClient();
            if (hooks != null) {
                hooks.clientBuilt(client);
            }
        }
    }

    /** {@code RequestPublishers.IterablePublisher(Iterable)}: whether its source can be iterated again. */
    public static final class ByteArraysPublisher {
        private ByteArraysPublisher() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object publisher, @Advice.Argument(0) Object content) {
            HttpClientHooks hooks = Bridge.httpClient();
            if (hooks != null) {
                hooks.byteArraysPublisher(publisher, content instanceof java.util.Collection);
            }
        }
    }

    /**
     * {@code MultiExchange.responseFilters}: a non-null result is a follow-up request (a redirect, an
     * authentication challenge): a response came, so the request may have been sent.
     */
    public static final class FollowUp {
        private FollowUp() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(
                @Advice.Return Object next,
                @Advice.FieldValue(value = "userRequest", typing = Assigner.Typing.DYNAMIC) Object userRequest) {
            if (next != null) {
                HttpClientHooks hooks = Bridge.httpClient();
                if (hooks != null) {
                    hooks.followedUp(userRequest);
                }
            }
        }
    }

    /** {@code MultiExchange.retryOnFailure}: the JDK's own silent re-send would multiply ours. */
    public static final class NoInternalRetry {
        private NoInternalRetry() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false) boolean retry) {
            if (retry) {
                HttpClientHooks hooks = Bridge.httpClient();
                if (hooks != null && hooks.suppressInternalRetry()) {
                    retry = false;
                }
            }
        }
    }
}
