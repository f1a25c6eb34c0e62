#!/usr/bin/perl
# A tiny HTTP server (perl-base only: the minbase image has no python, curl or netcat).
# ROLE=store answers "store ok"; ROLE=web asks UPSTREAM (host:port) and answers "web ok <- <upstream's answer>".
use strict;
use warnings;
use IO::Socket::INET;

my $role = $ENV{ROLE} // 'store';
my $port = $ENV{PORT} // 8080;
$SIG{TERM} = sub { exit 0 };    # we are PID 1: without a handler, SIGTERM is ignored
$SIG{PIPE} = 'IGNORE';
$| = 1;    # unbuffered stdout, so `docker logs` shows lines as they happen

sub upstream {
  my ($host, $upstream_port) = split /:/, ($ENV{UPSTREAM} // 'store:8080');
  my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $upstream_port, Timeout => 3) or return "unreachable ($!)";
  print $s "GET / HTTP/1.0\r\nHost: $host\r\n\r\n";
  local $/;
  my $reply = <$s> // '';
  close $s;
  $reply =~ s/^.*?\r\n\r\n//s;
  return $reply;
}

my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 16, ReuseAddr => 1)
  or die "cannot listen on $port: $!\n";
print "$role listening on $port\n";
while (my $client = $server->accept) {
  $client->autoflush(1);
  my $request = <$client> // '';
  while (my $line = <$client>) { last if $line =~ /^\r?\n$/ }
  $request =~ s/\r?\n$//;
  print "$role served: $request\n";
  my $body = $role eq 'web' ? 'web ok <- ' . upstream() : "store ok\n";
  my $status = $body =~ /unreachable/ ? '503 Service Unavailable' : '200 OK';
  print $client "HTTP/1.0 $status\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\n\r\n$body";
  close $client;
}
