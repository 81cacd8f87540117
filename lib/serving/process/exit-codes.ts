/** The serving process's exit status when KILN_SERVING_PORT cannot be listened on: Kiln does not start. */
export const PORT_REFUSED = 3;
