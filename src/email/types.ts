/** What a template produces: the caller adds sender and recipients. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
