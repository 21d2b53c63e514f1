/** Lets a CLI's output be piped into `head` and friends: a closed pipe ends the process quietly. */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
